// The learner's file and the reference solution in two columns, line by line, for the pager.
import { bold, dim } from '../report/style.js';

/**
 * Breaks a line of code into pieces no wider than `width` (code is not reflowed at spaces:
 * a hard break keeps every character where the learner expects it).
 * @param {string} line
 * @param {number} width
 */
function pieces(line, width) {
  const chars = [...line.replace(/\t/g, '  ')];
  const out = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out.length ? out : [''];
}

/**
 * @param {{ title: string, text: string }} left
 * @param {{ title: string, text: string }} right
 * @param {number} width  the whole width, both columns and the gutter
 */
export function sideBySide(left, right, width) {
  const half = Math.max(20, Math.floor((width - 3) / 2));
  const number = 4; // "123 "
  const code = half - number;
  const column = (/** @type {string} */ text) =>
    text.replace(/\n$/, '').split('\n').map((line, i) => pieces(line, code).map((p, j) => `${dim((j ? '' : String(i + 1)).padStart(number - 1))} ${p}`));
  const a = column(left.text);
  const b = column(right.text);
  const out = [`${bold(left.title.slice(0, half).padEnd(half))} │ ${bold(right.title.slice(0, half))}`, `${'─'.repeat(half)}─┼─${'─'.repeat(half)}`];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const l = a[i] ?? [];
    const r = b[i] ?? [];
    for (let j = 0; j < Math.max(l.length, r.length); j++) {
      const cell = l[j] ?? '';
      const pad = half - [...cell.replace(/\u001b\[[0-9;]*m/g, '')].length;
      out.push(`${cell}${' '.repeat(Math.max(0, pad))} │ ${r[j] ?? ''}`.trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}
