// The machine-readable reports and the points: pure functions of a run's results.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect, test } from 'vitest';
import { gradeLesson } from '../../report/grades.js';
import { jsonReport } from '../../report/json-report.js';
import { junitReport } from '../../report/junit-report.js';

const lesson = (/** @type {string} */ id, points = 10) => /** @type {any} */ ({ id, title: `Title of ${id}`, points });
const check = (/** @type {string} */ name, /** @type {string} */ state, /** @type {any} */ failure = undefined) => ({ id: name, lesson: 'x', task: 'Task 1: f()', name, fullName: name, state, failure, logs: [], durationMs: 5 });
const wrong = { kind: 'assertion', message: 'the reply was not what the protocol asks for', expected: '"A\\n"', actual: '"a\\n" & <b> \u0001', hint: 'upper-case it' };

const results = /** @type {any} */ ({
  durationMs: 1234,
  lessons: [
    { id: '01-a', state: 'passed', errors: [], checks: [check('one [1.1]', 'passed'), check('two [1.2]', 'passed')] },
    { id: '02-b', state: 'failed', errors: [], checks: [check('one [1.1]', 'passed'), check('two [1.2, 1.3]', 'failed', wrong), check('three [2.1]', 'passed')] },
    { id: '03-c', state: 'failed', errors: [{ kind: 'syntax', message: 'exercises/03-c.ts has a syntax error' }], checks: [check('one [1.1]', 'failed', { kind: 'syntax', message: 'exercises/03-c.ts has a syntax error' })] },
  ],
});
const lessons = [lesson('01-a'), lesson('02-b', 6), lesson('03-c', 5)];

test('points are partial credit in proportion to passing checks; a lesson that cannot run is an error', () => {
  expect(lessons.map((l, i) => gradeLesson(l, results.lessons[i]))).toEqual([
    { id: '01-a', title: 'Title of 01-a', status: 'pass', passed: 2, total: 2, earned: 10, possible: 10 },
    { id: '02-b', title: 'Title of 02-b', status: 'fail', passed: 2, total: 3, earned: 4, possible: 6 },
    { id: '03-c', title: 'Title of 03-c', status: 'error', passed: 0, total: 1, earned: 0, possible: 5 },
  ]);
  expect(gradeLesson(lesson('04-d'), undefined)).toMatchObject({ status: 'error', earned: 0, possible: 10 });
});

test('the JSON report has the documented shape (docs/report-format.md)', () => {
  const r = jsonReport(lessons, results);
  expect(r).toMatchObject({ version: 1, status: 'fail', points: { earned: 14, possible: 21 }, durationMs: 1234 });
  expect(r.lessons.map((l) => [l.id, l.status, l.points, l.checks])).toEqual([
    ['01-a', 'pass', { earned: 10, possible: 10 }, { passed: 2, total: 2 }],
    ['02-b', 'fail', { earned: 4, possible: 6 }, { passed: 2, total: 3 }],
    ['03-c', 'error', { earned: 0, possible: 5 }, { passed: 0, total: 1 }],
  ]);
  expect(r.lessons[1].tests[1]).toMatchObject({ name: 'two', task: 'Task 1: f()', clauses: ['1.2', '1.3'], status: 'fail', message: wrong.message, expected: wrong.expected, hint: wrong.hint });
  expect(r.lessons[2].tests[0].status).toBe('error');
  expect(r.tests.map((t) => t.name)).toEqual(['01-a › Task 1: f() › one', '01-a › Task 1: f() › two', '02-b › Task 1: f() › one', '02-b › Task 1: f() › two', '02-b › Task 1: f() › three', '03-c › Task 1: f() › one']);
  expect(JSON.parse(JSON.stringify(r))).toEqual(JSON.parse(JSON.stringify(r))); // serialisable
});

test('the JUnit report is valid XML with a suite per lesson and a case per check', () => {
  const xml = junitReport(lessons, results);
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(xml);
  const suites = doc.testsuites.testsuite;
  expect(suites.map((/** @type {any} */ s) => [s.name, s.tests, s.failures, s.errors])).toEqual([
    ['01-a', '2', '0', '0'],
    ['02-b', '3', '1', '0'],
    ['03-c', '1', '0', '2'],
  ]);
  const failed = suites[1].testcase[1];
  expect(failed.name).toBe('two');
  expect(failed.failure.message).toBe(wrong.message);
  expect(failed.failure['#text']).toContain('got: "a\\n" & <b> '); // escaped by the builder, control code dropped
  expect(suites[2].testcase.at(-1).name).toBe('the lesson could run');
});
