// The warm runner (engine/warm-runner.js) reports what a cold run reports: the same checks, the
// same states, the same failure records, run after run in the same test process.
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, loadCourse } from '../core/course.js';
import { runChecks } from '../engine/run-checks.js';
import { warmRunner } from '../engine/warm-runner.js';

const lesson = loadCourse().lessons[0];

/** What a learner is shown of a run: per check its state and failure words, and the errors. */
const shown = (/** @type {import('../engine/run-checks.js').RunResult} */ run) =>
  run.lessons.map((l) => ({
    state: l.state,
    checks: l.checks.map((c) => ({ name: c.name, state: c.state, message: c.failure?.message, expected: c.failure?.expected, actual: c.failure?.actual, hint: c.failure?.hint, location: c.failure?.location })),
    errors: l.errors.map((e) => e.message),
  }));

test('a warm run shows exactly what a cold run shows, also on its second run', async () => {
  // The stub: every check fails the same way whatever the machine's load (it throws its TODO),
  // so the two runs can be compared word for word.
  const dir = path.join(ROOT, 'runner', 'stubs');
  const cold = await runChecks({ lessons: [lesson], exercisesDir: dir });
  const runner = warmRunner({ exercisesDir: dir });
  try {
    const first = await runner.run({ lessons: [lesson] });
    const second = await runner.run({ lessons: [lesson] });
    expect(cold.lessons[0].checks.length).toBeGreaterThan(0);
    expect(shown(first)).toEqual(shown(cold));
    expect(shown(second)).toEqual(shown(cold));
    expect(first.guard.kind).toBe(cold.guard.kind);
  } finally {
    runner.close();
  }
});
