// The course is consistent: every manifest entry has its files and nothing is stray; every
// hidden test fails on the untouched stub and passes on the reference solution.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, loadCourse } from '../core/course.js';
import { runChecks } from '../engine/run-checks.js';

const course = loadCourse();
const ids = course.lessons.map((l) => l.id);
const list = (/** @type {string} */ dir) => readdirSync(path.join(ROOT, dir)).filter((f) => !f.startsWith('.'));

describe('the manifest and the files agree', () => {
  test.each(course.lessons.map((l) => [l.id, l]))('%s has an explainer, a stub, a solution and hidden tests', (_id, lesson) => {
    for (const file of [lesson.explainer, lesson.exercise, lesson.solution, lesson.hiddenTest]) {
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
    for (const lesson of run.lessons) {
      const failing = lesson.checks.filter((c) => c.state !== 'passed').map((c) => `${c.name}: ${c.failure?.message ?? c.state}`);
      expect(failing, `${lesson.id} on solutions/`).toEqual([]);
      expect(lesson.errors.map((e) => e.message), `${lesson.id} on solutions/`).toEqual([]);
      expect(lesson.state).toBe('passed');
    }
  });
});
