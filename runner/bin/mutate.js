#!/usr/bin/env node
// `npm run mutate [lesson…]`: mutation testing of the reference solutions with StrykerJS. Each
// mutant is a small change to solutions/<id>.ts (a flipped condition, an emptied string); the
// lesson's hidden tests must notice it. A survivor is a wrong solution the checks would accept:
// kill it with a new check, or list it in runner/mutation/equivalents.json if no behaviour
// changes. Exits 1 when a lesson scores under the minimum, so CI enforces it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, loadCourse } from '../core/course.js';
import { selectLessons } from '../cli/verify.js';
import { FAIL, PASS, bold, dim, yellow } from '../report/style.js';
import { MIN_SCORE, entryFor, readEquivalents, scoreLesson } from '../mutation/score.js';

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const course = loadCourse();
let lessons;
try {
  lessons = selectLessons(course, names);
} catch (err) {
  console.error(`netlings mutate: ${/** @type {Error} */ (err).message}`);
  process.exit(2);
}
const equivalents = readEquivalents();

// Read by runner/mutation/vitest.config.js and the harness, in Stryker's test processes.
process.env.NETLINGS_MUTATE_LESSONS = lessons.map((l) => l.id).join(',');
process.env.NETLINGS_EXERCISES = 'solutions';

const { Stryker } = await import('@stryker-mutator/core');
const started = Date.now();
console.log(dim(`Mutating ${lessons.map((l) => l.solution).join(', ')} (StrykerJS; a few minutes)…`));
const results = await new Stryker(/** @type {any} */ ({
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'runner/mutation/vitest.config.js', related: false },
  mutate: lessons.map((l) => l.solution),
  // Every check for every mutant: the solution is imported inside a check and checks share
  // fixtures (a PKI per test file), so coverage would tie code to whichever check ran it first.
  // ('all' still lets the vitest runner narrow mutants down to the checks that covered them.)
  coverageAnalysis: 'off',
  reporters: ['progress-append-only'],
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  logLevel: 'warn',
  fileLogLevel: 'off',
})).runMutationTest();

let ok = true;
const lines = ['', bold('Mutation score per lesson (equivalent mutants left out)'), ''];
const details = [];
for (const lesson of lessons) {
  const source = readFileSync(path.join(ROOT, lesson.solution), 'utf8');
  const mine = results.filter((r) => path.resolve(ROOT, r.fileName) === path.join(ROOT, lesson.solution));
  const s = scoreLesson(lesson.id, /** @type {any} */ (mine), source, equivalents);
  ok &&= s.ok;
  const c = s.counts;
  lines.push(
    `${s.ok ? PASS : FAIL} ${lesson.id.padEnd(22)} ${s.score.toFixed(1).padStart(5)} %  ` +
      dim(`${c.killed + c.timeout} killed (${c.timeout} by time-out), ${c.survived} survived, ${c.noCoverage} not reached, ${c.equivalent} equivalent`),
  );
  for (const m of s.undetected) {
    details.push(
      `${yellow(`${lesson.solution}:${m.location.start.line}:${m.location.start.column}`)} ${m.mutatorName} ${m.status === 'NoCoverage' ? '(no check runs this code)' : 'survived'}`,
      `    ${JSON.stringify(m.original.replace(/\s+/g, ' '))} → ${JSON.stringify(m.replacement)}`,
      dim(`    if equivalent: ${JSON.stringify(entryFor(lesson.id, m))}`),
    );
  }
  for (const e of s.killedEquivalents) details.push(yellow(`listed as equivalent but a check kills it: remove it from equivalents.json: ${JSON.stringify(e)}`));
  for (const e of s.stale) details.push(dim(`note: no mutant matches this equivalents.json entry any more: ${JSON.stringify(e)}`));
}
if (details.length) lines.push('', ...details);
lines.push('', `${ok ? PASS : FAIL} ${bold(ok ? `every lesson scores at least ${MIN_SCORE} %` : `a lesson scores under ${MIN_SCORE} %`)} ${dim(`in ${Math.round((Date.now() - started) / 1000)} s`)}`);
if (!ok) lines.push(dim('Kill each survivor with a check derived from the contract, or list it in runner/mutation/equivalents.json with a reason.'));
console.log(lines.join('\n'));
process.exit(ok ? 0 : 1);
