// `npm run reset` restores stubs from runner/stubs/: every lesson needs a copy there, identical
// to the stub in exercises/ (which the rest of the self-test expects untouched).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, loadCourse } from '../core/course.js';
import { STUBS_DIR } from '../learn/stubs.js';

const course = loadCourse();

test.each(course.lessons.map((l) => [l.id, l]))('%s: runner/stubs/ holds the stub exactly as exercises/ does', (id, lesson) => {
  const copy = path.join(STUBS_DIR, `${id}.ts`);
  const fix = `refresh it: cp ${lesson.exercise} runner/stubs/`;
  expect(existsSync(copy), `runner/stubs/${id}.ts is missing (npm run reset restores from it); ${fix}`).toBe(true);
  expect(readFileSync(copy, 'utf8') === readFileSync(path.join(ROOT, lesson.exercise), 'utf8'), `runner/stubs/${id}.ts differs from ${lesson.exercise}; ${fix}`).toBe(true);
});

test('runner/stubs/ holds nothing but the copies', () => {
  const ids = course.lessons.map((l) => `${l.id}.ts`);
  expect(readdirSync(STUBS_DIR).filter((f) => f !== 'README.md' && !ids.includes(f)), 'stubs of no lesson in lessons/course.json').toEqual([]);
});
