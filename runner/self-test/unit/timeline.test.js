import { expect, test } from 'vitest';
import { formatTimeline } from '../../report/timeline.js';

/** @param {Partial<import('../../report/timeline.js').WireEvent>} e */
const ev = (e) => /** @type {import('../../report/timeline.js').WireEvent} */ ({ side: 'check', conn: 1, t: 0, kind: 'note', ...e });

test('draws each side in its column, arrows for bytes and FINs, what the check waited for and where it gave up', () => {
  const lines = formatTimeline([
    ev({ t: 0.1, kind: 'wait', detail: 'your server to accept the connection' }),
    ev({ t: 0.2, kind: 'connect' }),
    ev({ t: 0.4, side: 'learner', kind: 'accept' }),
    ev({ t: 1, kind: 'send', bytes: 6, preview: '"hello\\n"' }),
    ev({ t: 1.2, side: 'learner', kind: 'recv', bytes: 3, preview: '"hel"' }),
    ev({ t: 1.3, side: 'learner', kind: 'send', bytes: 4, preview: '"HEL\\n"' }),
    ev({ t: 1.5, side: 'learner', kind: 'fin-sent' }),
    ev({ t: 1.7, kind: 'fin-recv' }),
    ev({ t: 3001, conn: 0, kind: 'gave-up', detail: 'waited 3 s for the reply' }),
    ev({ t: 3001, conn: 0, kind: 'clean-up' }),
  ]);
  expect(lines[0]).toMatch(/^ +ms the check +your code$/);
  expect(lines[1]).toBe('  0.1 … waits for your server to accept the connection');
  expect(lines[2]).toMatch(/^ +0\.2 connect +── SYN ─+▶$/);
  expect(lines[3]).toMatch(/^ +0\.4 {40,}accepted$/);
  expect(lines[4]).toMatch(/^ +1\.0 wrote 6 B "hello\\n" +─+▶$/);
  expect(lines[5]).toMatch(/^ +1\.2 {40,}got 3 B "hel"$/);
  expect(lines[6]).toMatch(/^ +1\.3 +◀─+ wrote 4 B "HEL\\n"$/);
  expect(lines[7]).toMatch(/^ +1\.5 +◀─+ FIN ─+ sends FIN$/);
  expect(lines[8]).toMatch(/^ +1\.7 got FIN$/);
  expect(lines[9]).toBe(' 3001 ✗ the check gave up: waited 3 s for the reply');
  expect(lines[10]).toMatch(/the check is over; netlings closes what is still open/);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
});

test('shows both ports of a datagram, so a reply from the wrong port is visible', () => {
  const lines = formatTimeline([
    ev({ conn: 0, kind: 'send', bytes: 2, preview: '"hi"', udp: { from: 5000, to: 6000 } }),
    ev({ conn: 0, side: 'learner', kind: 'recv', bytes: 2, preview: '"hi"', udp: { from: 5000, to: 6000 } }),
    ev({ conn: 0, side: 'learner', kind: 'send', bytes: 2, preview: '"hi"', udp: { from: 7000, to: 5000 } }),
  ]);
  expect(lines[1]).toMatch(/:5000→:6000 2 B "hi" +─+▶$/);
  expect(lines[2]).toMatch(/got :5000→:6000 2 B "hi"$/);
  expect(lines[3]).toMatch(/◀─+ :7000→:5000 2 B "hi"$/);
});

test('shortens long runs of chunks, numbers connections when there are several, caps the length and keeps the end', () => {
  const chunks = Array.from({ length: 50 }, (_, i) => ev({ t: i, side: 'learner', kind: 'recv', bytes: 1, preview: '"x"' }));
  const long = formatTimeline(chunks.map((e, i) => (i % 2 ? { ...e, side: 'check', kind: 'send' } : e)));
  expect(long).toHaveLength(1 + 3 + 1 + 3); // the first three, the totals of the middle, the last three
  expect(long[4]).toMatch(/^ +3\.0 … 44 more: check 22 B in 22 writes, your code 22 B in 22 chunks$/);
  const few = formatTimeline(chunks.slice(0, 10));
  expect(few).toHaveLength(11); // ten chunks are shown one by one: each may matter
  const two = formatTimeline([ev({ kind: 'connect', conn: 1 }), ev({ kind: 'connect', conn: 2 })]);
  expect(two[2]).toMatch(/#2 connect/);
  const many = formatTimeline([...Array.from({ length: 100 }, (_, i) => ev({ t: i, kind: i % 2 ? 'send' : 'fin-recv', bytes: 1 })), ev({ t: 200, conn: 0, kind: 'gave-up', detail: 'the end' })]);
  expect(many.length).toBeLessThanOrEqual(32);
  expect(many.join('\n')).toMatch(/… 71 more events …/);
  expect(many.at(-1)).toMatch(/gave up: the end/);
});

test('draws only the start of the clean-up, and reads at narrow and wide widths', () => {
  const after = Array.from({ length: 20 }, (_, i) => ev({ t: 10 + i, conn: i + 1, kind: 'close' }));
  const lines = formatTimeline([ev({ conn: 0, kind: 'clean-up' }), ...after]);
  expect(lines.length).toBe(1 + 1 + 8);
  const long = [ev({ kind: 'send', bytes: 70000, preview: `"${'x'.repeat(80)}"` }), ev({ conn: 0, kind: 'gave-up', detail: 'y'.repeat(200) })];
  for (const width of [60, 72, 80, 100, 200]) {
    for (const line of formatTimeline(long, { width })) expect(line.length).toBeLessThanOrEqual(Math.min(100, width));
  }
  expect(formatTimeline(long)[1]).toMatch(/wrote 68\.4 kB "x+… ─+▶$/); // the arrow stays, shorter
});

test('colours only through the functions it is given (verify passes none under NO_COLOR)', () => {
  const lines = formatTimeline([ev({ kind: 'wait', detail: 'x' }), ev({ conn: 0, kind: 'gave-up', detail: 'y' })], { dim: (s) => `<${s}>`, red: (s) => `[${s}]` });
  expect(lines[1]).toBe('<  0.0 … waits for x>');
  expect(lines[2]).toBe('[  0.0 ✗ the check gave up: y]');
  expect(formatTimeline([])).toEqual([]);
});
