import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseCourse } from '../../core/course.js';
import { withoutSignalListeners } from '../../learn/checker.js';
import { actionFor, keyLegend } from '../../learn/keys.js';
import { pagerCommand } from '../../learn/pager.js';
import { renderScreen } from '../../learn/screen.js';
import { sideBySide } from '../../learn/side-by-side.js';
import { pristineStub, resetExercise } from '../../learn/stubs.js';
import { inCi } from '../../learn/terminal.js';
import { stripAnsi, truncate, visibleLength, wrapText } from '../../learn/text.js';

// Colour on for chalk (marked-terminal's highlighting) before markdown.js loads it.
process.env.FORCE_COLOR = '1';
const { createMarkdownRenderer, fitColumns } = await import('../../learn/markdown.js');

const MD = `# Lesson 09 · Title

## A section

- a list item with \`inline code\` and **bold**
- 1. an item whose wrapped line could start with a number

| id | what |
| --- | --- |
| \`01-a\` | ${'a long cell that must wrap '.repeat(6)} |

\`\`\`
  client ----- SYN -----> server   const if return
\`\`\`

\`\`\`text
  const x = 1   (a diagram, not code)
\`\`\`

\`\`\`console
$ nc -N 127.0.0.1 PORT
\`\`\`

\`\`\`ts
const answer: number = 42;
\`\`\`
`;

describe('markdown for the terminal', () => {
  const colored = createMarkdownRenderer({ width: 60, color: true })(MD);
  const plain = createMarkdownRenderer({ width: 60, color: false })(MD);

  test('no heading markers, no raw backticks, nothing wider than the width', () => {
    for (const out of [colored, plain]) {
      expect(stripAnsi(out)).not.toMatch(/^#+ /m);
      expect(stripAnsi(out)).toMatch(/^Lesson 09 · Title$/m);
      expect(stripAnsi(out)).not.toContain('`');
      for (const line of out.split('\n')) expect(visibleLength(line), line).toBeLessThanOrEqual(60);
    }
  });

  test('inline code in a list item is styled like elsewhere', () => {
    expect(colored).toMatch(/a list item with \u001b\[33minline code\u001b\[39m/);
  });

  test('diagrams and commands are never highlighted; TypeScript is', () => {
    const line = (/** @type {string} */ text) => colored.split('\n').find((l) => stripAnsi(l).includes(text)) ?? '';
    expect(line('client ----- SYN')).toBe('      client ----- SYN -----> server   const if return');
    expect(line('const x = 1')).toBe('      const x = 1   (a diagram, not code)');
    expect(line('$ nc -N')).toBe('    $ nc -N 127.0.0.1 PORT');
    expect(line('const answer')).toMatch(/\u001b\[/);
  });

  test('without colour: no escape at all, and headings are underlined to stand out', () => {
    expect(plain).not.toMatch(/\u001b/);
    expect(plain).toMatch(/^A section\n─────────$/m);
  });

  test('table columns shrink to fit, keeping each column\'s longest word whole', () => {
    expect(fitColumns([4, 10], 80)).toEqual([6, 12]);
    const widths = fitColumns([10, 200], 60);
    expect(widths.reduce((a, b) => a + b, 0) + 3).toBeLessThanOrEqual(60);
    const [code] = fitColumns([60, 90, 60], 80, [31, 13, 12]);
    expect(code - 2).toBeGreaterThanOrEqual(31);
  });

  test('an HTML comment is not shown', () => {
    expect(createMarkdownRenderer({ width: 60, color: false })('Text <!-- note --> more\n\n<!-- block note -->\n')).toBe('Text  more\n');
  });
});

describe('text helpers', () => {
  test('wrapText keeps a label\'s spacing and hangs continuation lines under its text', () => {
    expect(wrapText('    hint     one two three four five six', 24)).toBe('    hint     one two\n             three four\n             five six');
  });
  test('truncate counts visible columns only', () => {
    expect(truncate('\u001b[1mabcdef\u001b[22m', 4)).toBe('\u001b[1mabc…\u001b[0m');
    expect(truncate('abc', 4)).toBe('abc');
  });
});

const course = parseCourse({
  format_version: 1,
  lessons: [
    { id: '01-a', title: 'First', summary: 'Do the first thing.', points: 10, hints: ['one', 'two'] },
    { id: '02-b', title: 'Second', summary: 'Do the second thing.', points: 5, hints: ['h'] },
  ],
});
const [a] = course.lessons;
const result = (/** @type {'passed' | 'failed'} */ state, n = 2) => ({
  id: a.id,
  state,
  errors: [],
  checks: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, lesson: a.id, task: 'Task 1: f()', name: `check ${i}`, fullName: `check ${i}`, state: state === 'passed' || i > 0 ? 'passed' : 'failed', failure: state === 'passed' || i > 0 ? undefined : { kind: 'assertion', message: 'the reply was wrong', expected: '"A"', actual: '"a"', hint: 'upper-case it' }, logs: [], durationMs: 1 })),
});
/** @returns {import('../../learn/screen.js').View} */
const view = (/** @type {any} */ over = {}) => ({ course, lesson: a, done: {}, file: 'exercises/01-a.ts', manual: false, verdict: { checking: false }, types: undefined, hint: 0, notice: [], records: true, ...over });

describe('the learn screen', () => {
  test('title, summary, file, verdict with expected/got/hint, keys; solution only after a pass', () => {
    const out = stripAnsi(renderScreen(view({ verdict: { checking: false, result: result('failed'), ms: 900, at: new Date() } }), { columns: 80, rows: 40 }));
    expect(out).toMatch(/01-a · First\nDo the first thing\.\n\nEdit exercises\/01-a\.ts: every save is checked\./);
    expect(out).toMatch(/1 of 2 checks pass/);
    expect(out).toMatch(/expected\s+"A"\n\s+got\s+"a"\n\s+hint\s+upper-case it/);
    expect(out).not.toMatch(/s solution/);
    const passed = stripAnsi(renderScreen(view({ verdict: { checking: false, result: result('passed') } }), { columns: 80, rows: 40 }));
    expect(passed).toMatch(/All 2 checks pass/);
    expect(passed).toMatch(/n when you are ready for 02-b/);
    expect(passed).toMatch(/s solution/);
  });

  test('a verdict longer than the terminal is cut with a pointer to verify; keys stay visible', () => {
    const out = stripAnsi(renderScreen(view({ verdict: { checking: false, result: result('failed', 60) } }), { columns: 80, rows: 24 }));
    expect(out.split('\n').length).toBeLessThanOrEqual(23);
    expect(out).toMatch(/more lines \(npm run verify 01/);
    expect(out).toMatch(/q quit$/);
  });

  test('hints are shown one at a time, numbered; TypeScript errors are listed', () => {
    const out = stripAnsi(renderScreen(view({ hint: 2, types: { state: 'done', diagnostics: [{ line: 3, column: 5, code: 2551, message: "Property 'wirte' does not exist on type 'Socket'. Did you mean 'write'?" }] } }), { columns: 100, rows: 40 }));
    expect(out).toMatch(/Hint 2 of 2: two \(the last one\)/);
    expect(out).not.toMatch(/Hint 1/);
    expect(out).toMatch(/TypeScript found 1 problem in exercises\/01-a\.ts[^\n]*\n\s+3:5\s+Property 'wirte'.*Did you mean 'write'\?/);
  });

  test('every lesson done: the "all done" screen offers only list and quit', () => {
    const out = stripAnsi(renderScreen(view({ lesson: undefined, done: { '01-a': 'x', '02-b': 'y' } }), { columns: 80, rows: 24 }));
    expect(out).toMatch(/All done/);
    expect(out).toMatch(/l list · q quit$/);
  });
});

describe('keys', () => {
  const context = { passed: false, allDone: false, hasNext: true };
  test('Ctrl+C and Ctrl+D quit; s needs a pass', () => {
    expect(actionFor({ name: 'c', ctrl: true }, context)).toBe('quit');
    expect(actionFor({ name: 'd', ctrl: true }, context)).toBe('quit');
    expect(actionFor({ name: 's' }, context)).toBeUndefined();
    expect(actionFor({ name: 's' }, { ...context, passed: true })).toBe('solution');
    expect(keyLegend({ ...context, passed: true }).map((k) => k.label)).toContain('next lesson');
  });
});

test('the pager is $PAGER, else less -R; empty or cat means none (as with git), and so does a dumb terminal', () => {
  expect(pagerCommand({})).toBe('less -R');
  expect(pagerCommand({ PAGER: 'most' })).toBe('most');
  expect(pagerCommand({ PAGER: '' })).toBeUndefined();
  expect(pagerCommand({ PAGER: 'cat' })).toBeUndefined();
  expect(pagerCommand({ TERM: 'dumb' })).toBeUndefined();
  expect(pagerCommand({ TERM: 'dumb', PAGER: 'most' })).toBe('most');
});

test('CI counts as set unless empty, 0 or false', () => {
  expect(inCi({ CI: 'true' })).toBe(true);
  expect(inCi({ CI: '1' })).toBe(true);
  expect(inCi({ CI: 'false' })).toBe(false);
  expect(inCi({})).toBe(false);
});

test('side by side: two columns, never wider than asked, long lines broken, not lost', () => {
  const out = stripAnsi(sideBySide({ title: 'yours', text: `short\n${'x'.repeat(100)}\n` }, { title: 'reference', text: 'a\nb\nc\n' }, 61));
  for (const line of out.split('\n')) expect(visibleLength(line)).toBeLessThanOrEqual(61);
  expect(out.replace(/[^x]/g, '')).toHaveLength(100);
  expect(out).toMatch(/ 3 c$/m);
});

describe('reset', () => {
  const lesson = /** @type {any} */ ({ id: '01-tcp-handshake' });
  const setup = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netlings-reset-'));
    return { file: path.join(dir, `${lesson.id}.ts`), stateDir: path.join(dir, 'state') };
  };

  test('saves the learner\'s file first, under a new name each time, then restores the stub', () => {
    const { file, stateDir } = setup();
    const now = new Date('2026-01-02T03:04:05.678Z');
    writeFileSync(file, 'mine 1');
    const first = resetExercise(lesson, { file, stateDir, now });
    expect(readFileSync(file, 'utf8')).toBe(pristineStub(lesson).text);
    writeFileSync(file, 'mine 2');
    const second = resetExercise(lesson, { file, stateDir, now });
    expect(first.backup).not.toBe(second.backup);
    expect(readdirSync(path.join(stateDir, 'backups')).sort()).toEqual(['01-tcp-handshake.2026-01-02T03-04-05-678Z-1.ts', '01-tcp-handshake.2026-01-02T03-04-05-678Z.ts']);
    expect(readFileSync(/** @type {string} */ (first.backup), 'utf8')).toBe('mine 1');
    expect(readFileSync(/** @type {string} */ (second.backup), 'utf8')).toBe('mine 2');
  });

  test('an untouched stub is left alone; a missing file is simply restored', () => {
    const { file, stateDir } = setup();
    const restored = resetExercise(lesson, { file, stateDir });
    expect([restored.unchanged, restored.backup]).toEqual([false, undefined]);
    const again = resetExercise(lesson, { file, stateDir });
    expect([again.unchanged, again.backup]).toEqual([true, undefined]);
  });
});

test('the cold checker keeps the engine\'s signal listeners out of learn', () => {
  const mine = () => {};
  process.on('SIGINT', mine);
  const value = withoutSignalListeners(() => {
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
    return 7;
  });
  expect(value).toBe(7);
  expect(process.listeners('SIGINT')).toContain(mine);
  expect(process.listeners('SIGTERM').some((l) => String(l).includes('143'))).toBe(false);
  expect(process.listeners('SIGINT').some((l) => String(l).includes('130'))).toBe(false);
  process.off('SIGINT', mine);
});
