#!/usr/bin/env node
// How fast `learn` answers, measured in a pseudo-terminal as a learner sees it (never asserted):
// start → first screen, start → first verdict, and save → verdict on screen, medians over
// several saves that alternate between the stub and the reference solution of lesson 01; and the
// peak memory of learn's whole process tree (learn, the warm test process behind its guard, the
// TypeScript checker), sampled every 50 ms, as RSS and as PSS (shared pages counted once).
//   node runner/bench/learn-bench.js [--runs=7] [--pause=1500] [--npm] [--cold]
//   --pause: ms between a verdict and the next save. A learner reads the verdict and edits
//     before saving again; the warm runner uses that time to boot the next run's worker. With
//     --pause=0 each save lands at once and waits for that boot (~0.2 s more a save).
//   --npm: through `npm run learn`; --cold: the cold checker (NETLINGS_WARM=off), for comparison
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, loadCourse } from '../core/course.js';
import { DEBOUNCE_MS } from '../learn/watch.js';
import { startInPty } from '../self-test/pty.js';
import { treeBreakdown, treePss, treeRss } from './memory.js';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
const cold = process.argv.includes('--cold');
const pause = Number(process.argv.find((a) => a.startsWith('--pause='))?.slice(8) ?? 1500);
const lesson = loadCourse().lessons[0];
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (/** @type {number} */ bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

const root = mkdtempSync(path.join(tmpdir(), 'netlings-learn-bench-'));
const dir = path.join(root, 'exercises');
cpSync(path.join(ROOT, 'runner', 'stubs'), dir, { recursive: true });
const file = path.join(dir, `${lesson.id}.ts`);
const texts = [readFileSync(path.join(ROOT, lesson.solution), 'utf8'), readFileSync(file, 'utf8')];
const env = { NETLINGS_STATE_DIR: path.join(root, 'state'), ...(cold ? { NETLINGS_WARM: 'off' } : {}) };

const started = Date.now();
const npm = process.argv.includes('--npm');
const app = startInPty(['learn', '--exercises', dir], { env, npm });
let peak = { rss: 0, pss: 0, breakdown: /** @type {[string, number, number][]} */ ([]) };
const sampler = setInterval(() => {
  if (!app.pid) return;
  const rss = treeRss(app.pid);
  const pss = treePss(app.pid);
  if (pss > peak.pss) peak = { rss: Math.max(rss, peak.rss), pss, breakdown: treeBreakdown(app.pid) };
  else peak.rss = Math.max(rss, peak.rss);
}, 50);
await app.waitFor(/every save is checked/, 'the first screen', 120_000);
const firstScreen = Date.now() - started;
await app.waitFor(/checks pass/, 'the first verdict', 120_000);
const firstVerdict = Date.now() - started;

/** @type {number[]} */
const saves = [];
for (let i = 0; i < runs; i++) {
  const text = texts[i % 2];
  const expect = i % 2 === 0 ? /All \d+ checks pass/ : /0 of \d+ checks pass/;
  await new Promise((resolve) => setTimeout(resolve, pause));
  const t = Date.now();
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  await app.waitFor(expect, `the verdict after save ${i + 1}`, 120_000);
  saves.push(Date.now() - t);
}
app.send('q');
await app.exited;
clearInterval(sampler);
const stubSaves = saves.filter((_, i) => i % 2 === 1);
const solutionSaves = saves.filter((_, i) => i % 2 === 0);
console.log(`${npm ? 'npm run learn' : 'node runner/bin/netlings.js learn'}, ${cold ? 'cold checker (NETLINGS_WARM=off)' : 'warm runner'} (${lesson.id}, ${runs} saves, ${pause} ms after each verdict):`);
console.log(`  start → first screen   ${firstScreen} ms`);
console.log(`  start → first verdict  ${firstVerdict} ms`);
console.log(`  save → verdict         median ${median(saves)} ms (min ${Math.min(...saves)}, max ${Math.max(...saves)}; includes the ${DEBOUNCE_MS} ms debounce)`);
console.log(`    on the solution (all checks run)   median ${median(solutionSaves)} ms`);
if (stubSaves.length) console.log(`    on the stub (every check fails fast) median ${median(stubSaves)} ms`);
console.log(`  peak memory of the process tree: PSS ${mb(peak.pss)}, RSS ${mb(peak.rss)} (RSS counts node's shared pages once per process)`);
for (const [command, rss, pss] of peak.breakdown) console.log(`    ${mb(pss).padStart(7)} PSS ${mb(rss).padStart(7)} RSS  ${command}`);
