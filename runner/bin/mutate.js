#!/usr/bin/env node
// `npm run mutate [lesson…]`: mutation testing of the reference solutions with StrykerJS. Each
// mutant is a small change to solutions/<id>.ts (a flipped condition, an emptied string); the
// lesson's hidden tests must notice it. A survivor is a wrong solution the checks would accept:
// kill it with a new check, or list it in runner/mutation/equivalents.json if no behaviour
// changes. Exits 1 when a lesson scores under the minimum, so CI enforces it.
// --force re-tests every mutant, ignoring the committed baselines in runner/mutation/baseline/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, loadCourse } from '../core/course.js';
import { selectLessons } from '../cli/verify.js';
import { FAIL, PASS, bold, dim, yellow } from '../report/style.js';
import { harnessStamp, readBaseline, writeStamp } from '../mutation/baseline.js';
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
const force = process.argv.includes('--force');
process.env.NETLINGS_EXERCISES = 'solutions';

const { Stryker } = await import('@stryker-mutator/core');
const started = Date.now();
let ok = true;
const lines = ['', bold('Mutation score per lesson (equivalent mutants left out)'), ''];
/** @type {string[]} */
const details = [];
// One Stryker run per lesson: a mutant of lesson 04 is only tested by lesson 04's checks, and
// each lesson keeps its own baseline, so a change to one lesson re-tests only that lesson.
for (const lesson of lessons) {
  const baseline = readBaseline(lesson.id);
  const stamp = harnessStamp();
  // Stryker sees changes to the solution and to the lesson's test file, not to the harness they
  // run on: when the harness changed since the baseline, every mutant of the lesson runs again.
  const fresh = force || baseline.stamp !== stamp;
  console.log(dim(`Mutating ${lesson.solution} (StrykerJS${fresh ? ', every mutant' : ', only what changed since the baseline'})…`));
  // Read by runner/mutation/vitest.config.js in Stryker's test processes.
  process.env.NETLINGS_MUTATE_LESSONS = lesson.id;
  const results = await new Stryker(/** @type {any} */ ({
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    vitest: { configFile: 'runner/mutation/vitest.config.js', related: false },
    mutate: [lesson.solution],
    // Every check for every mutant: the solution is imported inside a check and checks share
    // fixtures (a PKI per test file), so coverage would tie code to whichever check ran it first.
    // ('all' still lets the vitest runner narrow mutants down to the checks that covered them.)
    coverageAnalysis: 'off',
    reporters: ['progress-append-only'],
    concurrency: 2,
    // Results of earlier runs are reused for mutants whose code and checks have not changed
    // (the baselines are committed, so CI re-tests only what a change touched).
    incremental: true,
    incrementalFile: baseline.file,
    force: fresh,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    logLevel: 'warn',
    fileLogLevel: 'off',
  })).runMutationTest();
  writeStamp(lesson.id, stamp);

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
