import path from 'node:path';
import { ROOT } from '../core/course.js';

// Turns the errors vitest reports into the runner's Failure records. Runs in the vitest
// process (it sees the serialised error objects), so the parent only formats.

/**
 * @typedef {object} Failure
 * @property {string} kind      assertion | timeout | todo | missing-export | load | syntax | threw |
 *                              crash | leak | hang | process | internal | error
 * @property {string} message   One sentence for the learner.
 * @property {string} [expected]
 * @property {string} [actual]
 * @property {string} [hint]
 * @property {string} [location]  `exercises/x.ts:12:5`
 * @property {string} [frame]     Source lines around `location`.
 * @property {string} [stack]     Raw stack, shown with --verbose only.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
export const stripAnsi = (/** @type {string} */ s) => s.replace(ANSI, '');

/**
 * @param {any} err  a serialised error from vitest
 * @returns {Failure}
 */
export function toFailure(err) {
  const stack = typeof err?.stack === 'string' ? stripAnsi(err.stack) : undefined;
  /** @type {any} */
  let details = err?.netlings;
  // A LessonFailure wrapping a compile error keeps the original in `cause`.
  if (details?.kind === 'load' && err?.cause && isTransformError(err.cause)) {
    return { ...syntaxFailure(err.cause), stack };
  }
  if (details) return { ...details, stack };
  if (isTransformError(err)) return { ...syntaxFailure(err), stack };
  const message = stripAnsi(String(err?.message ?? err ?? 'unknown error'));
  const timeout = message.match(/^Test timed out in (\d+)ms/);
  if (timeout) {
    return {
      kind: 'timeout',
      message: `the check did not finish within ${Number(timeout[1]) / 1000} s`,
      hint: 'Something never happened: a promise that never settles, or a connection that never ends.',
      stack,
    };
  }
  if (err?.name === 'AssertionError') {
    return { kind: 'assertion', message, expected: err.expected, actual: err.actual, stack };
  }
  return { kind: 'error', message: `${err?.name ?? 'Error'}: ${message}`, stack };
}

/** @param {any} err */
function isTransformError(err) {
  return Boolean(err?.__vitest_rollup_error__) || /^Transform failed/.test(stripAnsi(String(err?.message ?? '')));
}

/**
 * A compile error from vite/oxc, e.g. "[PARSE_ERROR] Unexpected token ╭─[ exercises/x.ts:1:26 ]",
 * reduced to file:line:column and the message. The parent adds the source lines.
 * @param {any} err
 * @returns {Failure}
 */
function syntaxFailure(err) {
  const text = stripAnsi(String(err.message ?? ''));
  const what = text.match(/\[([A-Z_]+)\]\s*([^\n]+)/);
  const where = text.match(/\[\s*([^\s\]]+):(\d+):(\d+)\s*\]/) ?? text.match(/([^\s():]+\.ts):(\d+):(\d+)/);
  const message = what ? what[2].trim() : text.split('\n').find((l) => l.trim()) ?? 'syntax error';
  const location = where ? `${where[1]}:${where[2]}:${where[3]}` : err?.__vitest_rollup_error__?.id;
  const file = location?.replace(/:\d+:\d+$/, '');
  const exercises = process.env.NETLINGS_EXERCISES;
  if (file && exercises && !path.resolve(ROOT, file).startsWith(path.resolve(ROOT, exercises) + path.sep)) {
    // Not the learner's file: one of ours is broken. Say so, for the maintainer.
    return { kind: 'internal', message: `a netlings file does not compile (${location}): ${message}`, hint: 'This is a bug in netlings, not in your code. Please report it.' };
  }
  return {
    kind: 'syntax',
    message: `your file has a syntax error: ${message}`,
    location,
    hint: 'The checks cannot run until the file compiles. Look at the line shown (and the one before it).',
  };
}
