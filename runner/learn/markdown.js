// Markdown for the terminal: the explainers, rendered by marked + marked-terminal, with the
// corrections they need. marked-terminal 7 under marked 18 prints heading markers, leaves the
// backticks of inline code in tight list items (it renders their text tokens raw), guesses a
// language for unlabelled fences (ASCII diagrams come out as coloured JavaScript), colours even
// with NO_COLOR, and its lists mistake a wrapped line that starts with "51234." for a new item.
// Each fix is one override below. Loaded only by the commands that show markdown.
import { Marked } from 'marked';
import TerminalRenderer from 'marked-terminal';
import { useColor } from '../report/style.js';
import { stripAnsi, visibleLength, wrapText } from './text.js';

/** Fences highlighted as code; anything else (text, console, sh, none) is shown as written. */
const HIGHLIGHTED = new Set(['js', 'javascript', 'mjs', 'cjs', 'ts', 'typescript', 'tsx', 'jsx']);
/** Code blocks sit deeper than text, so a diagram or a command never reads as a paragraph. */
const CODE_INDENT = 4;
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Column widths for a table no wider than `width`: natural widths when they fit; otherwise each
 * column keeps its longest word (an error code or an identifier stays whole; cli-table3 wraps
 * the rest at spaces) and the room left is shared in proportion to what each column still wants.
 * @param {number[]} natural  widest cell text per column
 * @param {number} width
 * @param {number[]} [words]  longest word per column
 */
export function fitColumns(natural, width, words = natural.map(() => 0)) {
  const room = Math.max(natural.length * 6, width - (natural.length * 3 + 1)); // borders and padding
  const sum = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0);
  if (sum(natural) <= room) return natural.map((w) => w + 2);
  let widths = natural.map((n, i) => Math.min(n, Math.max(words[i], 6)));
  if (sum(widths) < room) {
    const want = natural.map((n, i) => n - widths[i]);
    const extra = room - sum(widths);
    widths = widths.map((w, i) => w + Math.floor((extra * want[i]) / sum(want)));
  }
  // Words too long for any fair share: the widest columns give way (cli-table3 cuts with …).
  while (sum(widths) > room && Math.max(...widths) > 6) widths[widths.indexOf(Math.max(...widths))]--;
  return widths.map((w) => w + 2);
}

/**
 * @param {{ width: number, color?: boolean }} options
 * @returns {(markdown: string) => string}
 */
export function createMarkdownRenderer({ width, color = useColor }) {
  const r = /** @type {any} */ (new TerminalRenderer({ showSectionPrefix: false, reflowText: false, emoji: false, tab: 2, width }));
  const base = TerminalRenderer.prototype;
  /** @type {number[]} the hanging indents of the list items being rendered */
  const indents = [];
  const room = () => Math.max(20, width - indents.reduce((a, b) => a + b, 0));

  /** Inline tokens → one reflowed block: soft line breaks become spaces, hard ones (br) stay. */
  const flow = (/** @type {any} */ self, /** @type {any[]} */ tokens) =>
    wrapText(self.transform(self.parser.parseInline(tokens)).replace(/\n/g, ' ').replace(/\r/g, '\n'), room());

  // Block text (the body of a tight list item) may hold inline code, emphasis, links: render them.
  r.text = function (/** @type {any} */ token) {
    if (typeof token === 'object' && token.tokens) return flow(this, token.tokens);
    return base.text.call(this, token);
  };
  r.paragraph = function (/** @type {any} */ token) {
    return `${this.o.paragraph(flow(this, token.tokens))}\n\n`;
  };
  r.br = () => '\r';
  // Without colour a heading would read as a paragraph: underline it.
  r.heading = function (/** @type {any} */ token) {
    const text = base.heading.call(this, token).trimEnd();
    if (color) return `${text}\n\n`;
    return `${text}\n${(token.depth === 1 ? '═' : '─').repeat(Math.min(width, visibleLength(text)))}\n\n`;
  };
  r.list = function (/** @type {any} */ token) {
    const start = Number(token.start) || 1;
    const items = token.items.map((/** @type {any} */ item, /** @type {number} */ i) => {
      const marker = `${token.ordered ? `${start + i}.` : '•'} ${item.task ? `[${item.checked ? 'x' : ' '}] ` : ''}`;
      indents.push(2 + marker.length);
      try {
        const blocks = item.tokens.filter((/** @type {any} */ t) => t.type !== 'checkbox' && t.type !== 'space');
        const body = blocks.map((/** @type {any} */ t) => this.parser.parse([t]).replace(/\s+$/, '')).join(item.loose ? '\n\n' : '\n');
        return body.split('\n').map((/** @type {string} */ line, /** @type {number} */ n) => (n === 0 ? `  ${marker}${line}` : line ? `${' '.repeat(2 + marker.length)}${line}` : '')).join('\n');
      } finally {
        indents.pop();
      }
    });
    return `${items.join(token.loose ? '\n\n' : '\n')}\n\n`;
  };
  r.code = function (/** @type {any} */ token) {
    const lang = String(token.lang ?? '').trim().split(/\s/)[0].toLowerCase();
    const text = HIGHLIGHTED.has(lang) ? base.code.call(this, token).replace(/^ {2}/gm, '').trimEnd() : String(token.text).replace(CONTROL, '');
    return `${text.replace(/^(?=.)/gm, ' '.repeat(CODE_INDENT))}\n\n`;
  };
  // Links as "text (address)": OSC 8 hyperlinks show up as garbage in many pagers.
  r.link = function (/** @type {any} */ token) {
    const text = this.parser.parseInline(token.tokens);
    const href = this.o.href(token.href);
    return this.o.link(text && stripAnsi(text) !== token.href ? `${text} (${href})` : href);
  };
  // An HTML comment is a note to authors, not text for the learner.
  r.html = function (/** @type {any} */ token) {
    return /^\s*<!--[\s\S]*-->\s*$/.test(token.text ?? token) ? '' : base.html.call(this, token);
  };
  r.hr = function () {
    return `${this.o.hr('─'.repeat(Math.max(1, room())))}\n\n`;
  };
  /** @this {any} */
  r.table = function (/** @type {any} */ token) {
    const rows = [token.header, ...token.rows];
    const cells = token.header.map((/** @type {unknown} */ _, /** @type {number} */ col) => rows.map((row) => stripAnsi(this.transform(this.parser.parseInline(row[col].tokens)))));
    const natural = cells.map((/** @type {string[]} */ column) => Math.max(...column.map(visibleLength)));
    const words = cells.map((/** @type {string[]} */ column) => Math.max(...column.flatMap((c) => c.split(/\s+/)).map(visibleLength)));
    this.tableSettings = { colWidths: fitColumns(natural, room(), words), wordWrap: true, wrapOnWordBoundary: true, ...(color ? {} : { style: { head: [], border: [] } }) };
    return base.table.call(this, token);
  };

  const names = ['text', 'code', 'blockquote', 'html', 'heading', 'hr', 'list', 'listitem', 'checkbox', 'paragraph', 'table', 'tablerow', 'tablecell', 'strong', 'em', 'codespan', 'br', 'del', 'link', 'image'];
  /** @type {Record<string, Function>} */
  const renderer = {};
  for (const name of names) {
    // The same bridge as marked-terminal's own markedTerminal(): marked calls with its `this`.
    renderer[name] = function (/** @type {any[]} */ ...args) {
      r.options = this.options;
      r.parser = this.parser;
      return r[name](...args);
    };
  }
  const marked = new Marked(/** @type {any} */ ({ renderer, useNewRenderer: true }));
  return (markdown) => {
    const out = /** @type {string} */ (marked.parse(markdown)).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd();
    return `${color ? out : stripAnsi(out)}\n`;
  };
}
