// Points per lesson from a run's results: partial credit in proportion to the checks that pass.
// Pure functions, shared by verify --all, the JSON and JUnit reports and batch grading.
import { tagsOf, withoutTags } from '../core/clauses.js';

/** @typedef {import('../engine/run-checks.js').LessonResult} LessonResult */
/** @typedef {import('../engine/run-checks.js').CheckResult} CheckResult */
/** @typedef {import('../core/course.js').Lesson} Lesson */

/** Kinds of failure that mean the lesson's checks could not run at all. */
const ERROR_KINDS = new Set(['load', 'syntax', 'leak-on-import', 'internal', 'process', 'tamper']);

/**
 * @typedef {object} LessonGrade
 * @property {string} id
 * @property {string} title
 * @property {'pass' | 'fail' | 'error'} status   error: the checks could not run (a file that
 *                                                does not load, the test process stopped)
 * @property {number} passed
 * @property {number} total
 * @property {number} earned      points, rounded to one decimal
 * @property {number} possible
 */

/** @param {number} n */
const oneDecimal = (n) => Math.round(n * 10) / 10;

/**
 * @param {Lesson} lesson
 * @param {LessonResult | undefined} result  undefined: not run
 * @returns {LessonGrade}
 */
export function gradeLesson(lesson, result) {
  const checks = result?.checks ?? [];
  const passed = checks.filter((c) => c.state === 'passed').length;
  const total = checks.length;
  const failures = [...checks.map((c) => c.failure), ...(result?.errors ?? [])].filter((f) => f !== undefined);
  const couldNotRun = !result || result.state === 'not-run' || (passed === 0 && failures.length > 0 && failures.every((f) => ERROR_KINDS.has(f.kind)));
  const status = result?.state === 'passed' ? 'pass' : couldNotRun ? 'error' : 'fail';
  const earned = status === 'pass' ? lesson.points : total ? oneDecimal((lesson.points * passed) / total) : 0;
  return { id: lesson.id, title: lesson.title, status, passed, total, earned, possible: lesson.points };
}

/**
 * A check as reports show it.
 * @param {CheckResult} c
 */
export function checkRecord(c) {
  const f = c.failure;
  return {
    name: withoutTags(c.name),
    task: c.task,
    clauses: tagsOf(c.name),
    status: /** @type {'pass' | 'fail' | 'error'} */ (c.state === 'passed' ? 'pass' : c.state === 'failed' && f && !ERROR_KINDS.has(f.kind) && f.kind !== 'hang' ? 'fail' : 'error'),
    message: f ? f.message : c.state === 'not-run' ? 'not run: an earlier problem stopped the checks' : undefined,
    expected: f?.expected,
    actual: f?.actual,
    hint: f?.hint,
    output: c.logs.length ? c.logs.join('\n') : undefined,
    durationMs: c.durationMs,
  };
}
