import { expect, test } from 'vitest';
import { formatTimeline } from '../../report/timeline.js';

/** @param {Partial<import('../../report/timeline.js').WireEvent>} e */
const ev = (e) => /** @type {import('../../report/timeline.js').WireEvent} */ ({ side: 'check', conn: 1, t: 0, ...e });

test('draws bytes and FINs as arrows between the two sides, and where the check gave up', () => {
  const lines = formatTimeline([
    ev({ t: 0.2, kind: 'connect' }),
    ev({ t: 0.4, side: 'learner', kind: 'accept' }),
    ev({ t: 1, kind: 'send', bytes: 6, preview: '"hello\\n"' }),
    ev({ t: 1.2, side: 'learner', kind: 'recv', bytes: 3, preview: '"hel"' }),
    ev({ t: 1.5, side: 'learner', kind: 'fin-sent' }),
    ev({ t: 3001, conn: 0, kind: 'gave-up', detail: 'waited 3 s for the reply' }),
  ]);
  expect(lines[0]).toMatch(/ms .*the check's client.*your code/);
  expect(lines[1]).toMatch(/0\.2 connect .*── SYN ─+▶$/);
  expect(lines[3]).toMatch(/1\.0 sent .*── "hello\\n" 6 B ─+▶$/);
  expect(lines[4]).toMatch(/1\.2 +read "hel" 3 B$/);
  expect(lines[5]).toMatch(/1\.5 +◀─+ FIN ── end\(\)$/);
  expect(lines[6]).toBe(' 3001.0 ✗ the check gave up: waited 3 s for the reply');
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
});

test('joins long runs of chunks, numbers connections when there are several, and caps the length', () => {
  const chunks = Array.from({ length: 50 }, (_, i) => ev({ t: i, side: 'learner', kind: 'recv', bytes: 1, preview: '"x"' }));
  expect(formatTimeline(chunks)[1]).toMatch(/read 50 B in 50 chunks$/);
  const two = formatTimeline([ev({ kind: 'connect', conn: 1 }), ev({ kind: 'connect', conn: 2 })]);
  expect(two[2]).toMatch(/#2 connect/);
  const many = formatTimeline(Array.from({ length: 100 }, (_, i) => ev({ t: i, kind: i % 2 ? 'send' : 'fin-recv', bytes: 1 })));
  expect(many.length).toBeLessThanOrEqual(30);
  expect(many.join('\n')).toMatch(/… 72 more events …/);
});
