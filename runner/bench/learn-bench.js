#!/usr/bin/env node
// How fast `learn` answers, measured in a pseudo-terminal as a learner sees it (never asserted):
// start → first screen, start → first verdict, and save → verdict on screen, medians over
// several saves that alternate between the stub and the reference solution of lesson 01.
//   node runner/bench/learn-bench.js [--runs=7] [--npm]   (--npm: through `npm run learn`)
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, loadCourse } from '../core/course.js';
import { DEBOUNCE_MS } from '../learn/watch.js';
import { startInPty } from '../self-test/pty.js';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
const lesson = loadCourse().lessons[0];
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = mkdtempSync(path.join(tmpdir(), 'netlings-learn-bench-'));
const dir = path.join(root, 'exercises');
cpSync(path.join(ROOT, 'runner', 'stubs'), dir, { recursive: true });
const file = path.join(dir, `${lesson.id}.ts`);
const texts = [readFileSync(path.join(ROOT, lesson.solution), 'utf8'), readFileSync(file, 'utf8')];
const env = { NETLINGS_STATE_DIR: path.join(root, 'state') };

const started = Date.now();
const npm = process.argv.includes('--npm');
const app = startInPty(['learn', '--exercises', dir], { env, npm });
await app.waitFor(/every save is checked/, 'the first screen');
const firstScreen = Date.now() - started;
await app.waitFor(/checks pass/, 'the first verdict');
const firstVerdict = Date.now() - started;

/** @type {number[]} */
const saves = [];
for (let i = 0; i < runs; i++) {
  const text = texts[i % 2];
  const expect = i % 2 === 0 ? /All \d+ checks pass/ : /0 of \d+ checks pass/;
  const t = Date.now();
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  await app.waitFor(expect, `the verdict after save ${i + 1}`);
  saves.push(Date.now() - t);
}
app.send('q');
await app.exited;
console.log(`${npm ? 'npm run learn' : 'node runner/bin/netlings.js learn'}, cold checker (${lesson.id}, ${runs} saves):`);
console.log(`  start → first screen   ${firstScreen} ms`);
console.log(`  start → first verdict  ${firstVerdict} ms`);
console.log(`  save → verdict         median ${median(saves)} ms (min ${Math.min(...saves)}, max ${Math.max(...saves)}; includes the ${DEBOUNCE_MS} ms debounce)`);
