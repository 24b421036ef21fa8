// `netlings hint <lesson> [n]`: the lesson's numbered hints, one at a time.
import { bold, dim, yellow } from '../report/style.js';
import { UsageError } from './args.js';
import { selectLessons } from './verify.js';

/**
 * @param {import('../core/course.js').Course} course
 * @param {{ positionals: string[] }} args
 */
export function hint(course, { positionals }) {
  const [name, which] = positionals;
  if (!name) throw new UsageError('say which lesson, e.g. npm run hint 01 (or npm run hint 01 2 for the second hint)');
  const [lesson] = selectLessons(course, [name]);
  const n = which === undefined ? 1 : Number(which);
  const total = lesson.hints.length;
  if (!Number.isInteger(n) || n < 1 || n > total) throw new UsageError(`${lesson.id} has hints 1 to ${total}`);
  const num = String(lesson.number).padStart(2, '0');
  console.log(`${bold(`${lesson.id} · hint ${n} of ${total}`)}\n\n${yellow(lesson.hints[n - 1])}\n`);
  console.log(dim(n < total ? `Still stuck? npm run hint ${num} ${n + 1}` : `That was the last hint. The explainer is lessons/${lesson.id}.md.`));
  return 0;
}
