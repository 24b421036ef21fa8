// `verify --reporter json`: the result as JSON, in the spirit of the Exercism test-runner
// interface (status pass | fail | error, tests[] in file order with name, status, message), plus
// per-lesson points. The format is documented in docs/report-format.md; bump `version` when a
// field changes meaning.
import { checkRecord, gradeLesson } from './grades.js';

/**
 * @param {import('../core/course.js').Lesson[]} lessons  the lessons asked for, in course order
 * @param {import('../engine/run-checks.js').RunResult} run
 */
export function jsonReport(lessons, run) {
  const byId = new Map(run.lessons.map((r) => [r.id, r]));
  const entries = lessons.map((lesson) => {
    const result = byId.get(lesson.id);
    const grade = gradeLesson(lesson, result);
    const errors = (result?.errors ?? []).map((e) => e.message);
    return {
      id: lesson.id,
      title: lesson.title,
      status: grade.status,
      message: errors.length ? errors.join('\n') : undefined,
      points: { earned: grade.earned, possible: grade.possible },
      checks: { passed: grade.passed, total: grade.total },
      // The wire timeline's events (a failed check's; every check's with --timeline) are data
      // for tools: verify draws them with report/timeline.js.
      tests: (result?.checks ?? []).map((c) => ({ ...checkRecord(c), ...(c.timeline?.length ? { timeline: c.timeline } : {}) })),
    };
  });
  const status = entries.every((e) => e.status === 'pass') ? 'pass' : entries.some((e) => e.status === 'fail' || e.tests.some((t) => t.status === 'pass')) ? 'fail' : 'error';
  return {
    version: 1,
    status,
    points: {
      earned: Math.round(entries.reduce((n, e) => n + e.points.earned, 0) * 10) / 10,
      possible: entries.reduce((n, e) => n + e.points.possible, 0),
    },
    lessons: entries,
    // Exercism-style: every check of every lesson, in order, named "<lesson> › <task> › <check>".
    tests: entries.flatMap((e) => e.tests.map((t) => ({ name: `${e.id} › ${t.task} › ${t.name}`, status: t.status, message: t.message, output: t.output }))),
    durationMs: run.durationMs,
    // What kept the learner's code in check: "sandbox" or "fallback" (docs/ARCHITECTURE.md).
    guard: run.guard?.kind,
  };
}
