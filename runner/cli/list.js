// `netlings list`: every lesson, whether it passes, and the points.
import { lessonTable } from '../learn/status.js';
import { doneLessons, firstUnfinished, shortId, workspace } from '../learn/state.js';
import { bold, dim } from '../report/style.js';

/**
 * @param {import('../core/course.js').Course} course
 * @param {{ flags: { exercises?: string } }} args
 */
export function list(course, { flags }) {
  const ws = workspace(flags);
  const done = doneLessons(ws);
  const current = firstUnfinished(course, done);
  const lines = [bold('netlings: Node.js networking, one lesson at a time'), '', ...lessonTable(course, done, current)];
  lines.push(current ? `Next: ${bold(`npm run learn ${shortId(current)}`)} ${dim(`(${current.id}), or npm run verify ${shortId(current)}`)}` : 'Every lesson passes. Well done!');
  console.log(lines.join('\n'));
  return 0;
}
