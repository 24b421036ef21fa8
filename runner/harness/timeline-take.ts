// The wire timeline of the current check, made ready to send and to draw: connection numbers in
// order of appearance (a proxy's linked ports as one), previews, error codes. Only runs for a
// check whose timeline is wanted (it failed, or verify --timeline): recording (timeline.ts)
// builds no strings.
import { HEAD_CHARS, KEEP, TAIL_CHARS, codeOf, keyOf, store, type WireEvent } from './timeline.ts';

/**
 * A chunk as a JSON string: whole when short, else its start and its end (`"line "…"half a li"`:
 * the end is where a line gets cut); mostly-binary data as hex.
 */
export function preview(data: Buffer | string, total: number, tail?: Buffer): string {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const text = bytes.toString('utf8');
  // eslint-disable-next-line no-control-regex
  const odd = text.replace(/[\x20-\x7e\n\r\t\u00a0-\uffef]/g, '').length;
  if (odd * 4 > text.length) return `<${[...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}${total > 8 ? ' …' : ''}>`;
  if (!tail) return JSON.stringify(text); // the whole chunk: at most PREVIEW_BYTES
  // Whole characters only: a multi-byte character cut at either end becomes U+FFFD, dropped.
  const start = [...text.replace(/\uFFFD$/, '')].slice(0, HEAD_CHARS).join('');
  const end = [...tail.toString('utf8').replace(/^\uFFFD/, '')].slice(-TAIL_CHARS).join('');
  return `${JSON.stringify(start)}…${JSON.stringify(end)}`;
}

/**
 * The events of the current check, ready to send and format: connection numbers in order of
 * appearance, previews, error codes. Empty when recording is off or `wanted` is false.
 */
export function takeTimeline(wanted = true): WireEvent[] {
  if (store.mode === 'off' || !wanted) return [];
  const ring = store.next > KEEP ? [...store.last.slice(store.next % KEEP), ...store.last.slice(0, store.next % KEEP)] : store.last;
  const raws = [...store.first, ...ring];
  // Linked ports (a proxy's two sides) share a root.
  const parent = new Map<number | string, number | string>();
  const root = (k: number | string): number | string => {
    let r = k;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  for (const [a, b] of store.links) if (root(a) !== root(b)) parent.set(root(b), root(a));
  const numbers = new Map<number | string, number>();
  const closed = new Set<string>(); // a TLS connection closes twice: its TLS and its TCP socket
  const out: WireEvent[] = [];
  raws.forEach((raw, i) => {
    if (i === store.first.length && store.next > KEEP) out.push({ t: raw.t, side: 'check', conn: 0, kind: 'note', detail: `… ${store.next - KEEP} events not kept …` });
    const key = raw.end ? keyOf(raw.end) : undefined;
    let conn = 0;
    if (key !== undefined) {
      const r = root(key);
      if (!numbers.has(r)) numbers.set(r, numbers.size + 1);
      conn = numbers.get(r)!;
    }
    if (raw.kind === 'close' && conn) {
      if (closed.has(`${raw.side} ${conn}`)) return;
      closed.add(`${raw.side} ${conn}`);
    }
    const event: WireEvent = { t: Math.round(raw.t * 10) / 10, side: raw.side, conn, kind: raw.kind };
    if (raw.bytes !== undefined) event.bytes = raw.bytes;
    if (raw.head !== undefined) event.preview = preview(raw.head, raw.bytes ?? 0, raw.tail);
    // A Unix socket has no TCP handshake: the drawing leaves the SYN out.
    const detail = raw.detail ?? codeOf(raw.error) ?? (typeof key === 'string' && (raw.kind === 'connect' || raw.kind === 'accept') ? 'unix' : undefined);
    if (detail !== undefined) event.detail = detail;
    if (raw.from !== undefined || raw.to !== undefined || (raw.end === undefined && (raw.kind === 'send' || raw.kind === 'recv'))) event.udp = { from: raw.from, to: raw.to };
    out.push(event);
  });
  return out;
}
