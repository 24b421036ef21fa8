// `netlings solution <lesson> [--force]`: the reference solution, once the lesson passes (or
// with --force). Reading it after solving is the point: it shows another way to do it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { doneLessons, shortId, workspace } from '../learn/state.js';
import { FAIL, bold, dim, useColor } from '../report/style.js';
import { UsageError } from './args.js';
import { selectLessons } from './verify.js';

/**
 * @param {import('../core/course.js').Course} course
 * @param {{ positionals: string[], flags: { exercises?: string, force?: boolean } }} args
 */
export async function solution(course, { positionals, flags }) {
  if (positionals.length !== 1) throw new UsageError('say which lesson, e.g. npm run solution 01');
  const [lesson] = selectLessons(course, positionals);
  const n = shortId(lesson);
  if (!doneLessons(workspace(flags))[lesson.id] && !flags.force) {
    console.log(`${FAIL} ${lesson.id} has not passed yet, so its solution stays hidden: solving it is the lesson.`);
    console.log(dim(`Check your file with npm run verify ${n}; stuck? npm run hint ${n}. To look anyway: npm run solution -- ${n} --force`));
    return 1;
  }
  const text = readFileSync(path.join(ROOT, lesson.solution), 'utf8');
  let shown = text;
  if (useColor) {
    const { createMarkdownRenderer } = await import('../learn/markdown.js');
    shown = createMarkdownRenderer({ width: process.stdout.columns || 100 })(`\`\`\`ts\n${text}\n\`\`\``);
  }
  console.log(`${bold(`${lesson.id} · the reference solution`)} ${dim(`(${lesson.solution})`)}\n\n${shown.trimEnd()}\n`);
  console.log(dim(`Compare it with yours, side by side: npm run learn ${n}, then s.`));
  return 0;
}
