import { describe, expect, test } from 'vitest';
import { UsageError, flagHelp, parseCli } from '../../cli/args.js';
import { selectLessons } from '../../cli/verify.js';
import { parseCourse } from '../../core/course.js';
import { toFailure } from '../../engine/failures.js';
import { formatFailure, formatLesson } from '../../report/verify-report.js';

describe('parseCli', () => {
  test('reads the command, lesson names and flags', () => {
    expect(parseCli(['verify', '04', '--exercises', 'solutions', '-v'])).toEqual({
      command: 'verify',
      positionals: ['04'],
      flags: { exercises: 'solutions', verbose: true },
    });
  });
  test('an unknown flag is a usage error', () => {
    expect(() => parseCli(['verify', '--fast'])).toThrow(UsageError);
  });
  test('the help lists every flag', () => {
    expect(flagHelp()).toMatch(/--exercises DIR/);
    expect(flagHelp()).toMatch(/-v, --verbose/);
  });
});

test('an unknown lesson name lists the valid ids', () => {
  const course = parseCourse({ format_version: 1, lessons: [{ id: '01-a', title: 'A', summary: 's', points: 1, hints: ['h'] }] });
  expect(() => selectLessons(course, ['nope'])).toThrow(/no lesson called "nope"[^]*01-a/);
});

describe('toFailure', () => {
  test('keeps the harness details', () => {
    const f = toFailure({ message: 'm', stack: 's', netlings: { kind: 'assertion', message: 'm', expected: '"a"', actual: '"b"', hint: 'h' } });
    expect(f).toMatchObject({ kind: 'assertion', expected: '"a"', actual: '"b"', hint: 'h' });
  });
  test('turns a vitest timeout into seconds', () => {
    expect(toFailure({ message: 'Test timed out in 15000ms.\nIf this is a long-running test…' })).toMatchObject({ kind: 'timeout', message: 'the check did not finish within 15 s' });
  });
  test('reduces a compile error to file:line:column and the message', () => {
    process.env.NETLINGS_EXERCISES = 'exercises';
    const message = 'Transform failed with 1 error:\n\n\u001b[31m[PARSE_ERROR] \u001b[0mUnexpected token\n   ╭─[ exercises/01-x.ts:3:7 ]\n';
    expect(toFailure({ message, __vitest_rollup_error__: {} })).toMatchObject({ kind: 'syntax', message: 'your file has a syntax error: Unexpected token', location: 'exercises/01-x.ts:3:7' });
  });
  test('blames netlings, not the learner, for a hidden test that does not compile', () => {
    process.env.NETLINGS_EXERCISES = 'exercises';
    const message = 'Transform failed with 1 error:\n[PARSE_ERROR] Unexpected token\n╭─[ runner/hidden-tests/01-x.test.ts:3:7 ]';
    expect(toFailure({ message, __vitest_rollup_error__: {} })).toMatchObject({ kind: 'internal' });
  });
});

describe('the verify report', () => {
  const lesson = /** @type {any} */ ({ id: '01-x', title: 'X', hints: ['h'], number: 1 });
  const check = (/** @type {string} */ name, /** @type {any} */ failure, task = 'Task 1') => ({ id: name, lesson: '01-x', task, name, fullName: name, state: failure ? 'failed' : 'passed', failure, logs: [], durationMs: 1 });

  test('shows expected, got and the hint, and says a repeated problem once', () => {
    const f = { kind: 'assertion', message: 'the reply was wrong', expected: '"A\\n"', actual: '"a\\n"', hint: 'upper case it' };
    const out = formatLesson(lesson, /** @type {any} */ ({ id: '01-x', state: 'failed', errors: [], checks: [check('one', f), check('two', f), check('three', undefined)] }));
    expect(out).toMatch(/✗ one\n\s+the reply was wrong\n\s+expected\s+"A\\n"\n\s+got\s+"a\\n"\n\s+hint\s+upper case it/);
    expect(out).toMatch(/✗ two\n\s+same problem: the reply was wrong/);
    expect(out).toMatch(/✓ three/);
  });

  test('a file that cannot load is reported once, not per check', () => {
    const f = { kind: 'syntax', message: 'your file has a syntax error: Unexpected token' };
    const out = formatLesson(lesson, /** @type {any} */ ({ id: '01-x', state: 'failed', errors: [], checks: [check('one', f), check('two', f)] }));
    expect(out).toMatch(/none of the 2 checks could run/);
    expect(out.match(/syntax error/g)).toHaveLength(1);
  });

  test('an untouched task lists its checks under one TODO message', () => {
    const f = { kind: 'todo', message: 'f() is not written yet', hint: 'replace the TODO' };
    const out = formatLesson(lesson, /** @type {any} */ ({ id: '01-x', state: 'failed', errors: [], checks: [check('one', f), check('two', f)] }));
    expect(out.match(/not written yet/g)).toHaveLength(1);
    expect(out).toMatch(/· one\n\s+· two/);
  });

  test('what the learner printed is shown under the failure; stacks only with --verbose', () => {
    const f = { kind: 'error', message: 'boom', stack: 'Error: boom\n    at x (/a.js:1:1)' };
    expect(formatFailure(f, { logs: ['debug 1'] })).toMatch(/your code printed:\n\s+│ debug 1/);
    expect(formatFailure(f)).not.toMatch(/at x/);
    expect(formatFailure(f, { verbose: true })).toMatch(/at x/);
  });
});
