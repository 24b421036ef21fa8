// What `verify` prints: one line per check, and for each failure what was expected, what
// happened and one hint, written for a learner. Pure functions of a RunResult: easy to test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tagsOf, withoutTags } from '../core/clauses.js';
import { ROOT } from '../core/course.js';
import { FAIL, PASS, SKIP, bold, cyan, dim, red, yellow } from './style.js';
import { formatTimeline } from './timeline.js';

/** @typedef {import('../engine/run-checks.js').LessonResult} LessonResult */
/** @typedef {import('../engine/run-checks.js').CheckResult} CheckResult */
/** @typedef {import('../engine/failures.js').Failure} Failure */
/** @typedef {import('../core/course.js').Lesson} Lesson */

/** Kinds that mean "nothing of yours could run", reported once for the whole lesson. */
const WHOLE_FILE = new Set(['load', 'syntax', 'leak-on-import', 'internal']);
const MAX_LOG_LINES = 12;
const MAX_LOG_WIDTH = 200;

/**
 * The source lines around `file:line:col`, with a caret under the column.
 * @param {string} location
 */
export function codeFrame(location) {
  const m = location.match(/^(.*):(\d+):(\d+)$/);
  if (!m) return '';
  let lines;
  try {
    lines = readFileSync(path.resolve(ROOT, m[1]), 'utf8').split('\n');
  } catch {
    return '';
  }
  const line = Number(m[2]);
  const col = Number(m[3]);
  const width = String(line + 1).length;
  const out = [];
  for (let n = Math.max(1, line - 2); n <= Math.min(lines.length, line + 1); n++) {
    const mark = n === line ? red('>') : ' ';
    out.push(`${mark} ${dim(String(n).padStart(width))} │ ${lines[n - 1]}`);
    if (n === line) out.push(`  ${' '.repeat(width)} │ ${' '.repeat(Math.max(0, col - 1))}${red('^')}`);
  }
  return out.join('\n');
}

/**
 * The details block of one failure.
 * @param {Failure} f
 * @param {{ verbose?: boolean, logs?: string[], droppedChars?: number }} options  logs: the last
 *   lines the code printed; droppedChars: how much it printed before them that was not kept
 */
export function formatFailure(f, { verbose = false, logs = [], droppedChars = 0 } = {}) {
  const out = [];
  const pad = '    ';
  const label = (/** @type {string} */ name) => dim(name.padEnd(9));
  out.push(`${pad}${f.message}`);
  if (f.expected !== undefined) out.push(`${pad}${label('expected')}${f.expected}`);
  if (f.actual !== undefined) out.push(`${pad}${label('got')}${f.actual}`);
  if (f.location) {
    out.push(`${pad}${label('at')}${f.location}`);
    const frame = codeFrame(f.location);
    if (frame) out.push(frame.replace(/^/gm, pad + '  '));
  }
  if (f.hint) out.push(`${pad}${label('hint')}${yellow(f.hint)}`);
  if (logs.length) {
    // The end of the output is what led up to the failure: show the last lines.
    out.push(`${pad}${dim('your code printed:')}`);
    const earlier = droppedChars + logs.slice(0, -MAX_LOG_LINES).reduce((n, line) => n + line.length + 1, 0);
    if (earlier) out.push(`${pad}${dim(`│ … ${earlier.toLocaleString('en')} earlier characters not shown`)}`);
    for (const line of logs.slice(-MAX_LOG_LINES)) out.push(`${pad}${dim('│')} ${line.length > MAX_LOG_WIDTH ? `${line.slice(0, MAX_LOG_WIDTH)}…` : line}`);
  }
  if (verbose && f.stack) out.push(dim(f.stack.replace(/^/gm, pad)));
  return out.join('\n');
}

/**
 * A check's name for the learner: the sentence, then its contract clauses, dimmed.
 * @param {string} name
 */
export function checkLabel(name) {
  const tags = tagsOf(name);
  return tags.length ? `${withoutTags(name)} ${dim(`[${tags.join(', ')}]`)}` : name;
}

/**
 * @typedef {object} ReportOptions
 * @property {boolean} [verbose]
 * @property {boolean} [firstDetailsOnly]  details for the first failure only, one line for the
 *   others (learn's screen has room for one problem at a time)
 * @property {'failed' | 'all' | 'off'} [timeline]  whose wire timeline to draw: failed checks (the
 *   default), every check that has one (verify --timeline), none (--no-timeline)
 * @property {number} [width]  the terminal's columns (80 if unknown)
 * @property {number} [timelineLines]  at most this many events per timeline (learn has less room)
 */

const TIMELINE_INDENT = '    ';

/**
 * A check's wire timeline, indented under it; nothing when it has none.
 * @param {CheckResult} check
 * @param {number} width
 * @param {number} [maxLines]
 */
export function timelineBlock(check, width = 80, maxLines = 30) {
  if (!check.timeline?.length) return [];
  const lines = formatTimeline(check.timeline, { width: width - TIMELINE_INDENT.length, dim, red, maxLines });
  return [`${TIMELINE_INDENT}${dim('on the wire (times in ms since the check started):')}`, ...lines.map((l) => `${TIMELINE_INDENT}${l}`)];
}

/** @param {Failure | undefined} f */
const sameKey = (f) => (f ? JSON.stringify([f.kind, f.message, f.expected, f.actual]) : '');

/**
 * The report of one lesson.
 * @param {Lesson} lesson
 * @param {LessonResult} result
 * @param {ReportOptions} [options]
 */
export function formatLesson(lesson, result, { verbose = false, firstDetailsOnly = false, timeline = 'failed', width = 80, timelineLines = 30 } = {}) {
  const out = [`${bold(lesson.id)} ${dim('·')} ${lesson.title}`];
  const failed = result.checks.filter((c) => c.state === 'failed');
  // A file that cannot load fails every check the same way: say it once.
  const first = failed[0]?.failure;
  if (first && WHOLE_FILE.has(first.kind) && failed.length === result.checks.length && failed.every((c) => sameKey(c.failure) === sameKey(first))) {
    out.push(`  ${FAIL} none of the ${result.checks.length} checks could run:`);
    out.push(formatFailure(first, { verbose }));
    for (const err of result.errors) out.push(formatFailure(err, { verbose }));
    return out.join('\n');
  }
  let task = '';
  const shown = new Set();
  let detailed = false;
  for (const check of result.checks) {
    if (check.task !== task) {
      task = check.task;
      const inTask = result.checks.filter((c) => c.task === task);
      const todo = inTask[0].failure?.kind === 'todo' && inTask.every((c) => sameKey(c.failure) === sameKey(inTask[0].failure));
      if (todo) {
        // An untouched task: list what its checks will look for, and say once why they fail.
        const f = /** @type {Failure} */ (inTask[0].failure);
        out.push(`  ${cyan(task)} ${FAIL} ${f.message}`);
        for (const c of inTask) out.push(`    ${SKIP} ${dim(c.name)}`);
        if (f.hint) out.push(`    ${dim('hint'.padEnd(9))}${yellow(f.hint)}`);
        shown.add(`todo:${task}`);
        continue;
      }
      out.push(`  ${cyan(task)}`);
    }
    if (shown.has(`todo:${task}`)) continue;
    if (check.state === 'passed') {
      out.push(`    ${PASS} ${checkLabel(check.name)}`);
      if (timeline === 'all') out.push(...timelineBlock(check, width, timelineLines));
    } else if (check.state === 'failed') {
      out.push(`    ${FAIL} ${checkLabel(check.name)}`);
      if (firstDetailsOnly && detailed && check.failure) {
        if (!shown.has(sameKey(check.failure))) out.push(`        ${dim(check.failure.message)}`);
        shown.add(sameKey(check.failure));
        continue;
      }
      const tags = tagsOf(check.name);
      if (tags.length) out.push(`        ${dim(`the contract, clause ${tags.join(' and ')}: the numbered comment above the function in ${lesson.exercise}`)}`);
      const key = sameKey(check.failure);
      if (!check.failure) out.push(`        the check failed without saying why`);
      else if (shown.has(key)) out.push(`        ${dim(`same problem: ${check.failure.message}`)}`);
      else {
        shown.add(key);
        detailed = true;
        out.push(formatFailure(check.failure, { verbose, logs: check.logs, droppedChars: check.droppedChars }).replace(/^/gm, '    '));
        if (timeline !== 'off') out.push(...timelineBlock(check, width, timelineLines));
      }
    } else if (check.state === 'not-run') out.push(`    ${SKIP} ${dim(`${check.name} (not run)`)}`);
    else out.push(`    ${SKIP} ${dim(`${check.name} (skipped)`)}`);
  }
  for (const err of result.errors) {
    out.push(`  ${FAIL} ${red('a problem outside any single check:')}`);
    out.push(formatFailure(err, { verbose }));
  }
  if (result.checks.length === 0 && result.errors.length === 0 && result.state !== 'passed') {
    out.push(`  ${SKIP} ${dim('not checked')}`);
  }
  return out.join('\n');
}

/**
 * One line for a lesson that passed, in a run over many lessons.
 * @param {Lesson} lesson
 * @param {LessonResult} result
 */
export function formatPassedLine(lesson, result) {
  return `${PASS} ${lesson.id} ${dim(`· ${lesson.title} (${result.checks.length} checks)`)}`;
}

/** @param {LessonResult} result */
export function countChecks(result) {
  const passed = result.checks.filter((c) => c.state === 'passed').length;
  return { passed, total: result.checks.length };
}
