// learn's screen: a pure function of what learn knows, so it is easy to test and to redraw.
// Title, summary and the file to edit at the top, the keys at the bottom; the verdict gets the
// rows in between and is cut, with a note, when the terminal is too short for all of it.
import { FAIL, PASS, bold, cyan, dim, useColor, yellow } from '../report/style.js';
import { countChecks, formatLesson } from '../report/verify-report.js';
import { keyLegend } from './keys.js';
import { shortId } from './state.js';
import { truncate, wrapText } from './text.js';

/** @typedef {import('../core/course.js').Course} Course */
/** @typedef {import('../core/course.js').Lesson} Lesson */
/** @typedef {import('../engine/run-checks.js').LessonResult} LessonResult */
/** @typedef {import('./typescript.js').TypeReport} TypeReport */

/**
 * @typedef {object} View
 * @property {Course} course
 * @property {Lesson | undefined} lesson    undefined: every lesson passes (the "all done" screen)
 * @property {Record<string, string>} done   lesson id → when it last passed
 * @property {string} file                  the exercise file, as shown
 * @property {boolean} manual
 * @property {{ result?: LessonResult, checking: boolean, ms?: number, at?: Date }} verdict
 * @property {TypeReport | undefined} types
 * @property {number} hint                  how many hints were asked for (the last is shown)
 * @property {string[]} notice              one-off messages (a reset's backup, an error)
 * @property {boolean} records              whether a pass is recorded as progress (not for another folder)
 */

const MAX_TYPE_ERRORS = 4;

/** `code` in a hint: coloured like the explainer's inline code; backticks kept without colour. */
const inlineCode = (/** @type {string} */ text) => (useColor ? text.replace(/`([^`]+)`/g, (_, code) => yellow(code)) : text);

/** @param {View} v */
export function keyContext(v) {
  const passed = Boolean(v.lesson && (v.verdict.result ? v.verdict.result.state === 'passed' : v.done[v.lesson.id]));
  const hasNext = Boolean(v.lesson && v.course.lessons[v.lesson.index + 1]);
  return { passed, allDone: !v.lesson, hasNext };
}

/** @param {View} v @param {number} width */
function typeLines(v, width) {
  const t = v.types;
  if (!t) return [];
  if (t.state === 'checking') return [dim('TypeScript: checking…')];
  if (t.state === 'unavailable') return [dim(`TypeScript: not available (${t.reason})`)];
  if (t.diagnostics.length === 0) return [`${PASS} ${dim('TypeScript: no type errors')}`];
  const n = t.diagnostics.length;
  const out = [`${yellow('TypeScript')} found ${n} problem${n === 1 ? '' : 's'} in ${v.file} ${dim('(npm run typecheck checks every file)')}`];
  for (const d of t.diagnostics.slice(0, MAX_TYPE_ERRORS)) {
    out.push(...wrapText(`  ${dim(`${d.line}:${d.column}`)}  ${d.message.split('\n')[0]}`, width).split('\n'));
  }
  if (n > MAX_TYPE_ERRORS) out.push(dim(`  … and ${n - MAX_TYPE_ERRORS} more`));
  return out;
}

/**
 * @param {View} v
 * @param {number} width
 */
function verdictLines(v, width) {
  const { lesson, verdict } = v;
  if (!lesson) return [];
  const out = [];
  if (verdict.result) {
    const { passed, total } = countChecks(verdict.result);
    const when = dim(`(checked ${verdict.at?.toTimeString().slice(0, 8) ?? ''}${verdict.ms !== undefined ? ` in ${(verdict.ms / 1000).toFixed(1)} s` : ''})`);
    if (verdict.result.state === 'passed') {
      out.push(`${PASS} ${bold(`All ${total} checks pass.`)} ${when}`, '');
      const next = v.course.lessons[lesson.index + 1];
      out.push(`${bold(v.records ? 'Lesson passed and recorded.' : 'Lesson passed.')} Press ${bold('s')} to compare your file with the reference solution,`);
      out.push(next ? `or ${bold('n')} when you are ready for ${bold(next.id)} · ${next.title}.` : `or ${bold('n')} to finish the course.`);
    } else {
      out.push(`${FAIL} ${total ? `${passed} of ${total} checks pass.` : 'The checks could not run.'} ${when}`);
      // The first failure's wire timeline comes after its hint, kept short: the screen has
      // little room, and npm run verify shows it whole.
      out.push(...formatLesson(lesson, verdict.result, { firstDetailsOnly: true, width, timelineLines: 12 }).split('\n').slice(1));
    }
  } else if (!verdict.checking) {
    out.push(v.done[lesson.id] ? `${PASS} Passed before (${v.done[lesson.id].slice(0, 10)}).` : dim('Not checked yet.'));
  }
  if (verdict.checking) out.unshift(cyan('Checking your file…'));
  return out;
}

/**
 * @param {View} v
 * @param {{ columns: number, rows: number }} size
 */
export function renderScreen(v, { columns, rows }) {
  const width = Math.max(40, columns - 1);
  const { course, lesson, done } = v;
  const count = course.lessons.filter((l) => done[l.id]).length;
  const top = [];
  const bottom = [];
  if (!lesson) {
    top.push(dim(`netlings · ${count} of ${course.lessons.length} lessons done`), '');
    top.push(`${PASS} ${bold('All done: every lesson passes. Well done!')}`, '');
    top.push('Revisit any lesson with l (its explainer, your file, the reference solution),');
    top.push(`or run ${bold('npm run list')} for your points.`);
  } else {
    top.push(dim(`netlings · lesson ${lesson.index + 1} of ${course.lessons.length} · ${count} done`));
    top.push(`${bold(lesson.id)} ${dim('·')} ${bold(lesson.title)}`);
    top.push(...wrapText(lesson.summary, width).split('\n'), '');
    top.push(v.manual ? `Edit ${bold(v.file)}, save, then press ${bold('r')} to check it.` : `Edit ${bold(v.file)}: every save is checked.`, '');
    const types = typeLines(v, width);
    if (types.length) bottom.push('', ...types);
    if (v.hint > 0) {
      const n = Math.min(v.hint, lesson.hints.length);
      const more = n < lesson.hints.length ? dim(' (h: the next one)') : dim(' (the last one)');
      bottom.push('', ...wrapText(`${yellow(`Hint ${n} of ${lesson.hints.length}:`)} ${inlineCode(lesson.hints[n - 1])}${more}`, width).split('\n'));
    }
  }
  for (const line of v.notice) bottom.push('', ...wrapText(line, width).split('\n'));
  const legend = keyLegend(keyContext(v)).map((k) => `${bold(k.key)} ${k.label}`).join(dim(' · '));
  bottom.push('', ...wrapText(legend, width).split('\n'));

  let middle = verdictLines(v, width).flatMap((line) => wrapText(line, width).split('\n'));
  const room = rows - 1 - top.length - bottom.length;
  if (middle.length > room) {
    const cut = middle.length - Math.max(1, room - 1);
    middle = [...middle.slice(0, Math.max(1, room - 1)), dim(`… ${cut} more lines (npm run verify ${lesson ? shortId(lesson) : ''} in another terminal shows everything)`)];
  }
  return [...top, ...middle, ...bottom].map((line) => truncate(line, width)).join('\n');
}
