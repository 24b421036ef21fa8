// Plain-text helpers for terminal output that may hold ANSI escapes: visible width, stripping,
// word wrapping. Small on purpose; learn must not pull in a dependency for each.

/** CSI sequences (colours, cursor), OSC sequences (titles, hyperlinks), charset and keypad modes. */
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[()][A-Z0-9]|\u001b[=>78]/g;

/** @param {string} text */
export const stripAnsi = (text) => text.replace(ANSI, '');

/**
 * Columns a string takes on screen (ANSI escapes take none; one column per code point, which
 * is right for the text the course uses).
 * @param {string} text
 */
export const visibleLength = (text) => [...stripAnsi(text)].length;

/**
 * Wraps each line of `text` at spaces so that no line is wider than `width`, keeping the spacing
 * inside a line. Continuation lines hang under the text: after the leading spaces, and after a
 * label such as "hint     " (a word followed by two or more spaces). A word longer than the
 * width stays whole on its own line (a URL or an identifier reads better whole).
 * @param {string} text
 * @param {number} width
 */
export function wrapText(text, width) {
  return text
    .split('\n')
    .map((line) => {
      if (visibleLength(line) <= width) return line;
      const plain = stripAnsi(line);
      const hang = /^( *)(?:\S+ {2,}(?=\S))?/.exec(plain)?.[0].length ?? 0;
      const indent = ' '.repeat(width - hang >= 10 ? hang : 0);
      const out = [];
      let current = '';
      for (const [, space, word] of line.matchAll(/(\s*)(\S+)/g)) {
        const candidate = current + space + word;
        if (visibleLength(current.trim()) && visibleLength(candidate) > width) {
          out.push(current);
          current = indent + word;
        } else current = candidate;
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}

/**
 * Cuts a line to `width` visible columns, keeping escapes whole and ending with a reset if it
 * cut inside a coloured run.
 * @param {string} line
 * @param {number} width
 */
export function truncate(line, width) {
  if (visibleLength(line) <= width) return line;
  let out = '';
  let seen = 0;
  for (const part of line.split(/(\u001b\[[0-9;?]*[A-Za-z])/)) {
    if (part.startsWith('\u001b[')) {
      out += part;
      continue;
    }
    for (const ch of part) {
      if (seen >= width - 1) return `${out}…${line.includes('\u001b[') ? '\u001b[0m' : ''}`;
      out += ch;
      seen++;
    }
  }
  return out;
}
