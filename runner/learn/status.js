// The course at a glance, as plain lines: `npm run list`, and `learn` where nobody can answer
// a prompt (no terminal, CI).
import { FAIL, PASS, bold, cyan, dim } from '../report/style.js';
import { shortId } from './state.js';

/** @typedef {import('../core/course.js').Course} Course */
/** @typedef {import('../core/course.js').Lesson} Lesson */

/**
 * One line per lesson: done or not, the current one marked, its points.
 * @param {Course} course
 * @param {Record<string, string>} done
 * @param {Lesson | undefined} current
 */
export function lessonTable(course, done, current) {
  const idWidth = Math.max(...course.lessons.map((l) => l.id.length));
  const titleWidth = Math.max(...course.lessons.map((l) => l.title.length));
  const lines = course.lessons.map((l) => {
    const mark = done[l.id] ? PASS : l === current ? cyan('→') : FAIL;
    const title = l === current ? bold(l.title.padEnd(titleWidth)) : l.title.padEnd(titleWidth);
    return `  ${mark} ${l.id.padEnd(idWidth)}  ${title}  ${dim(`${String(done[l.id] ? l.points : 0).padStart(3)}/${l.points} points`)}`;
  });
  const passed = course.lessons.filter((l) => done[l.id]);
  const points = passed.reduce((sum, l) => sum + l.points, 0);
  const total = course.lessons.reduce((sum, l) => sum + l.points, 0);
  lines.push('', `${bold(`${passed.length} of ${course.lessons.length} lessons done`)} · ${points} of ${total} points`);
  return lines;
}

/**
 * What to do next, as commands.
 * @param {Lesson | undefined} lesson  the lesson to work on; undefined when all pass
 * @param {string} exercise             its file, as shown
 * @param {{ passed?: boolean }} [state] passed: the learner opened a lesson they already passed
 */
export function nextSteps(lesson, exercise, { passed = false } = {}) {
  if (!lesson) return [`${PASS} Every lesson passes. Well done! ${dim('npm run solution <lesson> shows any reference solution.')}`];
  const n = shortId(lesson);
  if (passed) {
    return [
      `${PASS} ${bold(lesson.id)} · ${lesson.title}: you passed it.`,
      `  Re-read ${lesson.explainer}, compare with the reference (${bold(`npm run solution ${n}`)}),`,
      `  or change ${exercise} and check it again: ${bold(`npm run verify ${n}`)}`,
    ];
  }
  return [
    `Now: ${bold(lesson.id)} · ${lesson.title}`,
    `  1. Read ${lesson.explainer}`,
    `  2. Edit ${exercise}: replace each TODO.`,
    `  3. Check it: ${bold(`npm run verify ${n}`)}    Stuck? ${bold(`npm run hint ${n}`)}`,
    dim('In a terminal, npm run learn is the interactive workbook: it checks every save.'),
  ];
}
