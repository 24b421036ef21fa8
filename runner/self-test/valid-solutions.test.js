// Correct solutions written in other styles must pass every check: no check may be stricter
// than the contract. Each folder under fixtures/valid-solutions/<lesson>/ is a valid --exercises DIR:
//   npm run verify -- 01 --exercises runner/self-test/fixtures/valid-solutions/01-tcp-handshake/readline
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadCourse } from '../core/course.js';
import { runChecks } from '../engine/run-checks.js';
import { FIXTURES, fixtures } from './helpers.js';

const course = loadCourse();
const root = path.join(FIXTURES, 'valid-solutions');

test('every folder of correct solutions belongs to a lesson', () => {
  const ids = course.lessons.map((l) => l.id);
  expect(existsSync(root) ? readdirSync(root).filter((d) => !ids.includes(d)) : []).toEqual([]);
});

for (const lesson of course.lessons) {
  const dir = path.join(root, lesson.id);
  if (!existsSync(dir)) continue;
  describe(lesson.id, () => {
    test.each(fixtures(dir, lesson.id).map((f) => [f.name, f]))('%s passes every check', async (_name, fixture) => {
      const run = await runChecks({ lessons: [lesson], exercisesDir: fixture.dir });
      const [result] = run.lessons;
      const failing = result.checks.filter((c) => c.state !== 'passed').map((c) => `${c.name}: ${c.failure?.message ?? c.state}`);
      expect(failing, `the correct solution ${fixture.name} must pass`).toEqual([]);
      expect(result.errors.map((e) => e.message)).toEqual([]);
      expect(result.state).toBe('passed');
    });
  });
}
