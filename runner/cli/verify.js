// `netlings verify [lesson] [--exercises DIR] [--verbose]`
import path from 'node:path';
import { ROOT, findLesson } from '../core/course.js';
import { recordResults } from '../core/progress.js';
import { runChecks } from '../engine/run-checks.js';
import { FAIL, PASS, bold, dim } from '../report/style.js';
import { countChecks, formatLesson, formatPassedLine } from '../report/verify-report.js';
import { UsageError } from './args.js';

/** @typedef {import('../core/course.js').Course} Course */

/**
 * @param {Course} course
 * @param {string[]} names
 */
export function selectLessons(course, names) {
  if (names.length === 0) return course.lessons;
  return names.map((name) => {
    const lesson = findLesson(course, name);
    if (!lesson) {
      const ids = course.lessons.map((l) => `  ${l.id}`).join('\n');
      throw new UsageError(`no lesson called "${name}". Use an id, its number or its name, e.g. "01", "1" or "tcp-handshake":\n${ids}`);
    }
    return lesson;
  });
}

/**
 * @param {Course} course
 * @param {{ positionals: string[], flags: { exercises?: string, verbose?: boolean } }} args
 * @returns {Promise<number>} the exit code
 */
export async function verify(course, { positionals, flags }) {
  const lessons = selectLessons(course, positionals);
  const all = positionals.length === 0;
  const exercisesDir = flags.exercises ?? 'exercises';
  const learnerFiles = path.resolve(ROOT, exercisesDir) === path.join(ROOT, 'exercises');
  const run = await runChecks({ lessons, exercisesDir, stopOnFailure: all });
  const byId = new Map(run.lessons.map((r) => [r.id, r]));
  /** @type {Record<string, boolean>} */
  const outcomes = {};
  const out = [];
  let failedLesson;
  for (const lesson of lessons) {
    const result = /** @type {import('../engine/run-checks.js').LessonResult} */ (byId.get(lesson.id));
    if (result.state === 'not-run') continue;
    outcomes[lesson.id] = result.state === 'passed';
    if (all && result.state === 'passed') out.push(formatPassedLine(lesson, result));
    else out.push(formatLesson(lesson, result, { verbose: flags.verbose }));
    if (result.state !== 'passed') {
      failedLesson = lesson;
      break;
    }
  }
  if (learnerFiles) recordResults(outcomes);
  const where = learnerFiles ? '' : ` in ${exercisesDir}`;
  if (all) {
    const done = lessons.filter((l) => outcomes[l.id]).length;
    out.push('', `${done === lessons.length ? PASS : FAIL} ${bold(`${done}/${lessons.length} lessons done`)}${where}`);
  } else {
    out.push('');
  }
  if (failedLesson) {
    const result = /** @type {import('../engine/run-checks.js').LessonResult} */ (byId.get(failedLesson.id));
    const { passed, total } = countChecks(result);
    const num = String(failedLesson.number).padStart(2, '0');
    if (total) out.push(`${passed} of ${total} checks pass in ${failedLesson.id}.`);
    out.push(
      `Next: fix the first ${FAIL} above in ${path.join(exercisesDir, `${failedLesson.id}.ts`)}, then run ${bold(`npm run verify ${num}`)} again.`,
      dim(`Stuck? ${`npm run hint ${num}`} shows hint 1 of ${failedLesson.hints.length}; the explainer is lessons/${failedLesson.id}.md.`),
    );
  } else if (!all) {
    for (const lesson of lessons) {
      const { total } = countChecks(/** @type {any} */ (byId.get(lesson.id)));
      out.push(`${PASS} ${bold(lesson.id)}: all ${total} checks pass${where}.`);
    }
    const next = course.lessons.find((l) => l.index === lessons[lessons.length - 1].index + 1);
    if (next && learnerFiles) out.push(`Next lesson: ${bold(next.id)} · ${next.title} (npm run learn)`);
    else if (learnerFiles) out.push('That was the last lesson. Well done!');
  } else if (learnerFiles) {
    out.push('Every lesson passes. Well done!');
  }
  console.log(out.join('\n'));
  return failedLesson ? 1 : 0;
}
