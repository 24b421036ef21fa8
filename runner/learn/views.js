// What learn shows outside its main screen, built here so the loop in app.js stays a loop:
// the explainer and the side-by-side comparison (for the pager), the lesson menu, and the
// messages after a reset.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { bold, yellow } from '../report/style.js';
import { displayPath, exerciseFile, readText } from './state.js';

/** @typedef {import('../core/course.js').Course} Course */
/** @typedef {import('../core/course.js').Lesson} Lesson */

/** @type {Map<number, (markdown: string) => string>} renderers by width (marked-terminal loads once) */
const renderers = new Map();

/**
 * The lesson's explainer, rendered for a terminal this wide (at most 100 columns: long lines
 * are hard to read).
 * @param {Lesson} lesson
 * @param {number} columns
 */
export async function explainerText(lesson, columns) {
  const width = Math.min(columns - 1, 100);
  let render = renderers.get(width);
  if (!render) {
    render = (await import('./markdown.js')).createMarkdownRenderer({ width });
    renderers.set(width, render);
  }
  return render(readFileSync(path.join(ROOT, lesson.explainer), 'utf8'));
}

/**
 * The learner's file beside the reference solution.
 * @param {import('./state.js').Workspace} ws
 * @param {Lesson} lesson
 * @param {number} columns
 */
export async function comparisonText(ws, lesson, columns) {
  const { sideBySide } = await import('./side-by-side.js');
  const { file, shown } = exerciseFile(ws, lesson);
  const mine = readText(file) ?? '(the file is missing)';
  const reference = readFileSync(path.join(ROOT, lesson.solution), 'utf8');
  return sideBySide({ title: `yours: ${shown}`, text: mine }, { title: `reference: ${lesson.solution}`, text: reference }, columns - 1);
}

/**
 * The lesson menu: every lesson with ✓ (passed) or ✗, the current one marked.
 * @param {Course} course
 * @param {Record<string, string>} done
 * @param {Lesson | undefined} current
 */
export function lessonMenu(course, done, current) {
  const count = course.lessons.filter((l) => done[l.id]).length;
  return {
    message: `${count} of ${course.lessons.length} lessons done. Open which?`,
    choices: course.lessons.map((l) => ({ name: l.id, message: `${done[l.id] ? '✓' : '✗'} ${l.id} · ${l.title}${l === current ? '  (current)' : ''}` })),
    initial: Math.max(0, current?.index ?? 0),
  };
}

/**
 * @param {string} shown  the exercise file, as shown
 * @param {{ backup?: string, unchanged: boolean } | Error} outcome
 */
export function resetNotice(shown, outcome) {
  if (outcome instanceof Error) return yellow(`Nothing was reset: ${outcome.message}`);
  if (outcome.unchanged) return `${shown} is already the original stub: nothing to reset.`;
  return `${bold('Reset.')} ${shown} is the original stub again.${outcome.backup ? ` Your version is saved as ${bold(displayPath(outcome.backup))}.` : ''}`;
}
