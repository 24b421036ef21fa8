// The course is consistent: every manifest entry has its files and nothing is stray; every
// hidden test fails on the untouched stub and passes on the reference solution; every contract
// clause of every stub has a check, and wrong-solution fixtures break every clause.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseClauses, tagsOf, withoutTags } from '../core/clauses.js';
import { ROOT, loadCourse } from '../core/course.js';
import { runChecks } from '../engine/run-checks.js';
import { FIXTURES, fixtures } from './helpers.js';

/** The method's minimum number of fixtures per lesson (CONTRIBUTING.md, "Test strength"). */
const MIN_WRONG = 20;
const MIN_RIGHT = 6;

const course = loadCourse();
const ids = course.lessons.map((l) => l.id);
const list = (/** @type {string} */ dir) => readdirSync(path.join(ROOT, dir)).filter((f) => !f.startsWith('.'));

describe('the manifest and the files agree', () => {
  test.each(course.lessons.map((l) => [l.id, l]))('%s has an explainer, a stub, a solution, hidden tests and a try adapter', (_id, lesson) => {
    for (const file of [lesson.explainer, lesson.exercise, lesson.solution, lesson.hiddenTest, lesson.tryAdapter]) {
      expect(existsSync(path.join(ROOT, file)), `${file} is missing: every lesson needs it (see CONTRIBUTING.md)`).toBe(true);
    }
  });

  test.each(course.lessons.map((l) => [l.id, l]))('%s: the stub has a TODO, the explainer a "try it" part, the hints are numbered', (_id, lesson) => {
    expect(readFileSync(path.join(ROOT, lesson.exercise), 'utf8'), `${lesson.exercise} must contain a TODO`).toMatch(/\bTODO\b/);
    expect(readFileSync(path.join(ROOT, lesson.explainer), 'utf8'), `${lesson.explainer} needs a "Try it" section with a real tool`).toMatch(/^#+ .*try it/im);
    expect(lesson.hints.length).toBeGreaterThan(0);
  });

  test('no stray files: every lesson file belongs to a manifest entry', () => {
    const stray = [
      ...list('lessons').filter((f) => f !== 'course.json' && !ids.includes(f.replace(/\.md$/, ''))).map((f) => `lessons/${f}`),
      ...list('exercises').filter((f) => !ids.includes(f.replace(/\.ts$/, ''))).map((f) => `exercises/${f}`),
      ...list('solutions').filter((f) => !ids.includes(f.replace(/\.ts$/, ''))).map((f) => `solutions/${f}`),
      ...list('runner/hidden-tests').filter((f) => !ids.includes(f.replace(/\.test\.ts$/, ''))).map((f) => `runner/hidden-tests/${f}`),
      ...list('runner/try').filter((f) => /^\d{2}-.*\.ts$/.test(f) && !ids.includes(f.replace(/\.ts$/, ''))).map((f) => `runner/try/${f}`),
    ];
    expect(stray, 'files with no lesson in lessons/course.json: add the entry or remove the file').toEqual([]);
  });
});

describe('the hidden tests', () => {
  test('fail on every untouched stub in exercises/, every check of every lesson', async () => {
    const run = await runChecks({ lessons: course.lessons, exercisesDir: 'exercises' });
    for (const lesson of run.lessons) {
      expect(lesson.checks.length, `${lesson.id} has no checks`).toBeGreaterThan(0);
      const passing = lesson.checks.filter((c) => c.state !== 'failed').map((c) => c.name);
      expect(passing, `${lesson.id}: these checks do not fail on the stub. npm test expects exercises/ untouched (use npm run verify for your own work)`).toEqual([]);
    }
  });

  test('pass on every reference solution in solutions/', async () => {
    const run = await runChecks({ lessons: course.lessons, exercisesDir: 'solutions' });
    for (const lesson of run.lessons) checkNames.set(lesson.id, lesson.checks.map((c) => c.name));
    for (const lesson of run.lessons) {
      const failing = lesson.checks.filter((c) => c.state !== 'passed').map((c) => `${c.name}: ${c.failure?.message ?? c.state}`);
      expect(failing, `${lesson.id} on solutions/`).toEqual([]);
      expect(lesson.errors.map((e) => e.message), `${lesson.id} on solutions/`).toEqual([]);
      expect(lesson.state).toBe('passed');
    }
  });
});

/** Check names per lesson, from the run on solutions/ above (tests in a file run in order). */
/** @type {Map<string, string[]>} */
const checkNames = new Map();

describe('the contract: every numbered clause of every stub is checked', () => {
  test.each(course.lessons.map((l) => [l.id, l]))('%s: each check names its clauses, each clause has a check', (id, lesson) => {
    const clauses = parseClauses(readFileSync(path.join(ROOT, lesson.exercise), 'utf8')).map((c) => c.id);
    expect(clauses.length, `${lesson.exercise}: write the contract as numbered clauses (" * 1.1 …") in the JSDoc; see CONTRIBUTING.md`).toBeGreaterThan(0);
    expect(clauses.filter((c, i) => clauses.indexOf(c) !== i), `${lesson.exercise}: clause numbers repeat`).toEqual([]);
    const names = checkNames.get(id) ?? [];
    expect(names.length, 'the run on solutions/ found no checks').toBeGreaterThan(0);
    expect(names.filter((n) => tagsOf(n).length === 0), `${lesson.hiddenTest}: end each check name with the clauses it enforces, e.g. "… [1.2]"`).toEqual([]);
    const tagged = new Set(names.flatMap(tagsOf));
    expect([...tagged].filter((t) => !clauses.includes(t)), `${lesson.hiddenTest}: these tags name no clause of ${lesson.exercise}`).toEqual([]);
    expect(clauses.filter((c) => !tagged.has(c)), `${lesson.exercise}: these clauses have no check in ${lesson.hiddenTest}`).toEqual([]);
  });

  test.each(course.lessons.map((l) => [l.id, l]))('%s: wrong solutions break every clause; enough right ones in other styles', (id, lesson) => {
    const wrongDir = path.join(FIXTURES, 'invalid-solutions', id);
    const rightDir = path.join(FIXTURES, 'valid-solutions', id);
    const wrong = existsSync(wrongDir) ? fixtures(wrongDir, id) : [];
    const right = existsSync(rightDir) ? readdirSync(rightDir).filter((d) => !d.startsWith('.')) : [];
    expect(wrong.length, `${path.relative(ROOT, wrongDir)}: at least ${MIN_WRONG} plausible wrong solutions`).toBeGreaterThanOrEqual(MIN_WRONG);
    expect(right.length, `${path.relative(ROOT, rightDir)}: at least ${MIN_RIGHT} correct solutions in other styles`).toBeGreaterThanOrEqual(MIN_RIGHT);
    const byName = new Map((checkNames.get(id) ?? []).map((n) => [withoutTags(n), n]));
    const broken = new Set(wrong.flatMap((f) => f.expectFail.flatMap((name) => tagsOf(byName.get(withoutTags(name)) ?? ''))));
    const clauses = parseClauses(readFileSync(path.join(ROOT, lesson.exercise), 'utf8')).map((c) => c.id);
    expect(clauses.filter((c) => !broken.has(c)), `no wrong-solution fixture of ${id} breaks these clauses (by its expect-fail checks)`).toEqual([]);
  });
});
