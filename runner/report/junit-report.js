// `verify --reporter junit`: JUnit XML that CI systems render. One testsuite per lesson, one
// testcase per check, the learner-facing failure text inside <failure>. fast-xml-parser builds
// and escapes the XML; characters XML 1.0 cannot carry at all (control codes) are dropped first.
import { XMLBuilder } from 'fast-xml-parser';
import { jsonReport } from './json-report.js';

// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const clean = (/** @type {string | undefined} */ s) => (s ?? '').replace(NOT_XML, '');
const seconds = (/** @type {number} */ ms) => (ms / 1000).toFixed(3);

/**
 * @param {import('../core/course.js').Lesson[]} lessons
 * @param {import('../engine/run-checks.js').RunResult} run
 */
export function junitReport(lessons, run) {
  const report = jsonReport(lessons, run);
  const suites = report.lessons.map((lesson) => {
    const cases = lesson.tests.map((t) => {
      const detail = [t.message, t.expected !== undefined && `expected: ${t.expected}`, t.actual !== undefined && `got: ${t.actual}`, t.hint && `hint: ${t.hint}`, t.clauses.length && `contract clause: ${t.clauses.join(', ')}`]
        .filter(Boolean)
        .join('\n');
      /** @type {Record<string, unknown>} */
      const testcase = { '@_classname': clean(`${lesson.id}.${t.task}`), '@_name': clean(t.name), '@_time': seconds(t.durationMs) };
      if (t.status === 'fail') testcase.failure = { '@_message': clean(t.message), '@_type': 'AssertionError', '#text': clean(detail) };
      if (t.status === 'error') testcase.error = { '@_message': clean(t.message), '@_type': 'Error', '#text': clean(detail) };
      if (t.output) testcase['system-out'] = clean(t.output);
      return testcase;
    });
    /** @type {Record<string, unknown>} */
    const suite = {
      '@_name': lesson.id,
      '@_tests': String(lesson.tests.length),
      '@_failures': String(lesson.tests.filter((t) => t.status === 'fail').length),
      '@_errors': String(lesson.tests.filter((t) => t.status === 'error').length + (lesson.message ? 1 : 0)),
      '@_time': seconds(lesson.tests.reduce((n, t) => n + t.durationMs, 0)),
      properties: { property: [{ '@_name': 'points', '@_value': String(lesson.points.earned) }, { '@_name': 'points-possible', '@_value': String(lesson.points.possible) }] },
      testcase: cases,
    };
    // A problem outside any check (the file does not load) is a testcase of its own, so it shows.
    if (lesson.message) cases.push({ '@_classname': lesson.id, '@_name': 'the lesson could run', error: { '@_message': clean(lesson.message), '@_type': 'Error' } });
    return suite;
  });
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'netlings',
      '@_tests': String(report.tests.length),
      '@_failures': String(report.tests.filter((t) => t.status === 'fail').length),
      '@_errors': String(report.tests.filter((t) => t.status === 'error').length),
      '@_time': seconds(run.durationMs),
      testsuite: suites,
    },
  });
}
