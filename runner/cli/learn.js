// `netlings learn`: the course status and the current lesson's explainer. The interactive
// watch mode replaces this screen later; without a terminal it always prints plain text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { readProgress } from '../core/progress.js';
import { PASS, bold, cyan, dim } from '../report/style.js';

/**
 * Renders markdown for the terminal when a person is watching; plain markdown otherwise.
 * marked-terminal is loaded only here, so other commands do not pay for it.
 * @param {string} markdown
 */
async function render(markdown) {
  if (!process.stdout.isTTY) return markdown;
  const [{ marked }, { markedTerminal }] = await Promise.all([import('marked'), import('marked-terminal')]);
  marked.use(/** @type {any} */ (markedTerminal({ reflowText: false, width: Math.min(process.stdout.columns || 80, 100) })));
  return /** @type {string} */ (marked.parse(markdown));
}

/** @param {import('../core/course.js').Course} course */
export async function learn(course) {
  const { done } = readProgress();
  const current = course.lessons.find((l) => !done[l.id]);
  if (current) {
    const text = readFileSync(path.join(ROOT, current.explainer), 'utf8');
    console.log(await render(text));
  }
  const lines = ['', bold('netlings: Node.js networking, one lesson at a time'), ''];
  for (const lesson of course.lessons) {
    const mark = done[lesson.id] ? PASS : lesson === current ? cyan('→') : dim('·');
    lines.push(`  ${mark} ${lesson.id.padEnd(22)} ${lesson === current ? bold(lesson.title) : dim(lesson.title)}`);
  }
  const count = course.lessons.filter((l) => done[l.id]).length;
  lines.push('', `${count}/${course.lessons.length} lessons done.`);
  if (current) {
    const num = String(current.number).padStart(2, '0');
    lines.push(
      `Now: ${bold(current.id)}. The lesson is above (also in ${current.explainer}).`,
      `  1. Edit ${bold(current.exercise)}: replace each TODO.`,
      `  2. Check it: ${bold(`npm run verify ${num}`)}`,
      `  3. Stuck? ${bold(`npm run hint ${num}`)}`,
    );
  } else {
    lines.push('Every lesson passes. Well done!');
  }
  console.log(lines.join('\n'));
  return 0;
}
