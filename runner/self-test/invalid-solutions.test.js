// Plausible wrong solutions must fail, and fail on the check that is about their mistake.
// Each fixture folder under fixtures/invalid-solutions/<lesson>/ is a valid --exercises DIR:
//   npm run verify -- 01 --exercises runner/self-test/fixtures/invalid-solutions/01-tcp-handshake/shared-buffer
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { withoutTags } from '../core/clauses.js';
import { loadCourse } from '../core/course.js';
import { runChecks } from '../engine/run-checks.js';
import { formatTimeline } from '../report/timeline.js';
import { FIXTURES, fixtures } from './helpers.js';

const course = loadCourse();
const root = path.join(FIXTURES, 'invalid-solutions');

test('every folder of wrong solutions belongs to a lesson', () => {
  const ids = course.lessons.map((l) => l.id);
  expect(readdirSync(root).filter((d) => !ids.includes(d))).toEqual([]);
});

for (const lesson of course.lessons) {
  const dir = path.join(root, lesson.id);
  if (!existsSync(dir)) continue;
  // Concurrently (up to maxConcurrency, see bin/self-test.js): a wrong solution spends most of
  // its run waiting out a check's deadline, not using the CPU.
  describe.concurrent(lesson.id, () => {
    test.for(fixtures(dir, lesson.id))('$name is rejected by the right checks', async (fixture, { expect, skip }) => {
      expect(fixture.expectFail.length, `${fixture.file} needs at least one "// expect-fail: <check name>" line`).toBeGreaterThan(0);
      const run = await runChecks({ lessons: [lesson], exercisesDir: fixture.dir });
      const [result] = run.lessons;
      // A fixture may name a check with or without its clause tags.
      const failedNames = result.checks.filter((c) => c.state === 'failed').map((c) => withoutTags(c.name));
      // A check this machine cannot make skips itself (e.g. file permissions as root without the
      // sandbox): the fixture is not rejected there, and says so, unless another named check does it.
      // Such a check's name ends in a note after its clause tags, e.g. "… [2.3] (not checkable here: …)".
      const skipped = result.checks.filter((c) => c.state === 'skipped').map((c) => c.name);
      const isSkipped = (/** @type {string} */ name) => skipped.some((s) => s === name || s.startsWith(`${name} [`) || s.startsWith(`${name} (`));
      const named = fixture.expectFail.map(withoutTags);
      if (named.every(isSkipped)) return skip(`its check is skipped on this machine: ${skipped.filter((s) => named.some((n) => s.startsWith(n))).join('; ')}`);
      for (const name of named.filter((n) => !isSkipped(n))) {
        expect(result.checks.map((c) => withoutTags(c.name)), `no check is named "${name}"`).toContain(name);
        expect(failedNames, `the wrong solution ${fixture.name} should fail "${name}"`).toContain(name);
      }
      for (const check of result.checks.filter((c) => c.state === 'failed')) {
        expect(['hang', 'process', 'internal', 'error'], `${check.name}: ${check.failure?.message}`).not.toContain(check.failure?.kind);
      }
      // `// expect-timeline: <check name> | <regex>`: the wire timeline drawn under that check's
      // failure (80 columns) shows what a learner needs to see (the FIN, the bytes, where the
      // check gave up).
      for (const line of fixture.header('expect-timeline')) {
        const at = line.indexOf(' | ');
        const name = withoutTags(line.slice(0, at));
        const check = result.checks.find((c) => withoutTags(c.name) === name);
        expect(check?.timeline?.length, `"${name}" failed without a wire timeline`).toBeGreaterThan(0);
        const drawn = formatTimeline(check?.timeline ?? [], { width: 80 });
        for (const l of drawn) expect(l.length, `wider than 80 columns: ${l}`).toBeLessThanOrEqual(80);
        expect(drawn.join('\n'), `the timeline of "${name}"`).toMatch(new RegExp(line.slice(at + 3)));
      }
    });
  });
}
