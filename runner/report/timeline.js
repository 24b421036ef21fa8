// The wire timeline of a check, drawn as a two-column sequence diagram: the check on the left,
// the learner's code on the right, arrows for bytes, FINs and datagrams, what the check waited
// for, the moment it gave up, and the clean-up after it. Pure: events in, lines out. The harness
// records the events (runner/harness/timeline.ts).

/**
 * @typedef {object} WireEvent
 * @property {number} t            ms since the check started
 * @property {'check' | 'learner'} side  whose socket saw it
 * @property {number} conn         connection number within the check (1, 2, …; 0: none)
 * @property {'connect' | 'accept' | 'secure' | 'send' | 'recv' | 'fin-sent' | 'fin-recv' | 'destroy' | 'reset' | 'error' | 'close' | 'wait' | 'gave-up' | 'clean-up' | 'note'} kind
 * @property {number} [bytes]
 * @property {string} [preview]    the first bytes, JSON-escaped (or hex for binary data)
 * @property {string} [detail]     an error code, what the check waited for, a note
 * @property {{ from?: number, to?: number }} [udp]  a datagram's ports
 */

/**
 * @typedef {object} TimelineOptions
 * @property {number} [width]   the terminal's columns (80 if unknown); at most 100 are used
 * @property {(s: string) => string} [dim]   for what the check did not see on the wire
 * @property {(s: string) => string} [red]   for where it gave up
 * @property {number} [maxLines]  the middle of a longer timeline is cut
 */

/** Longer runs of data on one connection are shortened: their first and last RUN_ENDS stay. */
const LONG_RUN = 10;
const RUN_ENDS = 3;

/** Lines drawn for the clean-up after a check: how the connections ended, not every byte. */
const MAX_CLEAN_UP_LINES = 8;

const size = (/** @type {number} */ n) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
const port = (/** @type {number | undefined} */ p) => (p === undefined ? ':?' : `:${p}`);
/** A datagram's source and destination ports: a reply must come from the port it was sent to. */
const ports = (/** @type {WireEvent} */ e) => `${port(e.udp?.from)}→${port(e.udp?.to)}`;

/**
 * Shortens long runs of bytes going back and forth on one connection (a check feeding 700 bytes
 * one per chunk): the first and last few stay, the middle becomes one line of totals per side.
 * Of several waits in a row without anything on the wire between them, only the last is kept.
 * @param {WireEvent[]} events
 * @returns {(WireEvent & { summary?: string })[]}
 */
function collapse(events) {
  /** @type {(WireEvent & { summary?: string })[]} */
  const out = [];
  const isData = (/** @type {WireEvent} */ e) => e.kind === 'send' || e.kind === 'recv';
  for (let i = 0; i < events.length; ) {
    const e = events[i];
    if (e.kind === 'wait' && events[i + 1]?.kind === 'wait') {
      i++;
      continue;
    }
    let j = i + 1;
    if (isData(e)) while (j < events.length && isData(events[j]) && events[j].conn === e.conn) j++;
    if (j - i <= LONG_RUN) {
      out.push(...events.slice(i, j));
    } else {
      const middle = events.slice(i + RUN_ENDS, j - RUN_ENDS);
      out.push(...events.slice(i, i + RUN_ENDS), { ...middle[0], summary: totals(middle) }, ...events.slice(j - RUN_ENDS, j));
    }
    i = j;
  }
  return out;
}

/**
 * "… 580 more: check 300 B in 300 writes, your code 300 B in 280 chunks"
 * @param {WireEvent[]} events
 */
function totals(events) {
  const parts = [];
  for (const side of /** @type {const} */ (['check', 'learner'])) {
    const said = [];
    for (const kind of /** @type {const} */ (['send', 'recv'])) {
      const these = events.filter((e) => e.side === side && e.kind === kind);
      if (!these.length) continue;
      const bytes = these.reduce((n, e) => n + (e.bytes ?? 0), 0);
      const udp = these[0].udp;
      said.push(`${size(bytes)} in ${these.length} ${udp ? (kind === 'send' ? 'datagrams sent' : 'datagrams') : kind === 'send' ? 'writes' : 'chunks'}`);
    }
    if (said.length) parts.push(`${side === 'check' ? 'check' : 'your code'} ${said.join(' + ')}`);
  }
  return `… ${events.length} more: ${parts.join(', ')}`;
}

/**
 * @param {WireEvent[]} events  in time order
 * @param {TimelineOptions} [options]
 * @returns {string[]}
 */
export function formatTimeline(events, { width = 80, dim = (s) => s, red = (s) => s, maxLines = 30 } = {}) {
  if (!events.length) return [];
  const w = Math.max(60, Math.min(100, width));
  // Each side's column says what it did (and the bytes); the arrow between them only which way
  // it went. A long text borrows room from the arrow, which keeps at least three characters.
  const timeW = 6;
  const mid = 9;
  const room = w - timeW; // after the time column
  const leftW = Math.floor((room - mid - 2) / 2);
  const rightW = room - leftW - mid - 2;
  const many = new Set(events.filter((e) => e.conn > 0).map((e) => e.conn)).size > 1;
  const clip = (/** @type {string} */ s, /** @type {number} */ n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const toRight = (label = '') => (label ? `── ${label} ` : '').padEnd(mid - 1, '─') + '▶';
  const toLeft = (label = '') => '◀' + (label ? ` ${label} ──` : '').padStart(mid - 1, '─');
  const time = (/** @type {number} */ t) => (t < 1000 ? t.toFixed(1) : String(Math.round(t))).padStart(timeW - 1);
  /** An arrow made shorter by dropping dashes (its label stays). */
  const shrink = (/** @type {string} */ arrow, /** @type {number} */ n) => {
    let a = arrow;
    while (a.length > n && a.includes('──')) a = a.replace('──', '─');
    return a;
  };
  const row = (/** @type {number} */ t, /** @type {string} */ left, /** @type {string} */ arrow, /** @type {string} */ right) => {
    if (left && right) return `${time(t)} ${clip(left, leftW).padEnd(leftW)} ${arrow.padEnd(mid)} ${clip(right, rightW)}`.trimEnd();
    if (!right) {
      const text = clip(left, room - 1 - (arrow ? 4 : 0));
      if (!arrow) return `${time(t)} ${text}`;
      const a = shrink(arrow, Math.max(3, mid - Math.max(0, text.length - leftW)));
      return `${time(t)} ${text.padEnd(leftW)} ${a}`;
    }
    const text = clip(right, room - 1 - (arrow ? 4 : 0));
    const start = Math.min(leftW + mid + 2, room - 1 - text.length); // where the text begins
    if (!arrow) return `${time(t)} ${' '.repeat(start)}${text}`;
    const a = shrink(arrow, Math.max(3, Math.min(mid, start - 1 - (leftW + 1))));
    return `${time(t)} ${' '.repeat(start - 1 - a.length)}${a} ${text}`;
  };
  const full = (/** @type {number} */ t, /** @type {string} */ text) => clip(`${time(t)} ${text}`, w);

  /** @type {string[]} */
  const lines = [];
  let afterCheck = -1; // lines drawn since the check ended: the clean-up needs only a few
  for (const e of collapse(events)) {
    if (afterCheck >= 0 && e.kind !== 'gave-up' && ++afterCheck > MAX_CLEAN_UP_LINES) continue;
    if (e.kind === 'clean-up') afterCheck = 0;
    const c = many && e.conn ? `#${e.conn} ` : '';
    const mine = e.side === 'check';
    if (e.summary) {
      lines.push(dim(full(e.t, e.summary)));
      continue;
    }
    const data = `${size(e.bytes ?? 0)} ${e.preview ?? ''}`.trim();
    const side = (/** @type {string} */ text) => (mine ? row(e.t, `${c}${text}`, '', '') : row(e.t, '', '', `${c}${text}`));
    switch (e.kind) {
      case 'connect':
        // detail 'unix': a Unix socket, no TCP handshake
        lines.push(mine ? row(e.t, `${c}connect`, toRight(e.detail ? '' : 'SYN'), '') : row(e.t, '', toLeft(e.detail ? '' : 'SYN'), `${c}connect`));
        break;
      case 'accept':
        lines.push(mine ? row(e.t, `${c}accepted`, toLeft(e.detail ? '' : 'SYN'), '') : side('accepted'));
        break;
      case 'secure':
        lines.push(side(`TLS handshake ok${e.detail ? ` (${e.detail})` : ''}`));
        break;
      case 'send':
        // Ports first: a reply's source port is what a connected client filters on.
        if (e.udp) lines.push(mine ? row(e.t, `${ports(e)} ${data}`, toRight(), '') : row(e.t, '', toLeft(), `${ports(e)} ${data}`));
        else lines.push(mine ? row(e.t, `${c}wrote ${data}`, toRight(), '') : row(e.t, '', toLeft(), `${c}wrote ${data}`));
        break;
      case 'recv':
        lines.push(side(e.udp ? `got ${ports(e)} ${data}` : `got ${data}`));
        break;
      case 'fin-sent':
        // end(), or node's own end after the other side's FIN (allowHalfOpen: false)
        lines.push(mine ? row(e.t, `${c}sends FIN`, toRight('FIN'), '') : row(e.t, '', toLeft('FIN'), `${c}sends FIN`));
        break;
      case 'fin-recv':
        lines.push(side('got FIN'));
        break;
      case 'destroy':
        lines.push(mine ? row(e.t, `${c}destroy()`, toRight(), '') : row(e.t, '', toLeft(), `${c}destroy()`));
        break;
      case 'reset':
        lines.push(mine ? row(e.t, `${c}reset`, toRight('RST'), '') : row(e.t, '', toLeft('RST'), `${c}reset`));
        break;
      case 'error':
        lines.push(side(`error ${e.detail ?? ''}`.trim()));
        break;
      case 'close':
        lines.push(side(`closed${e.detail ? ` (${e.detail})` : ''}`));
        break;
      case 'wait':
        lines.push(dim(full(e.t, `… waits for ${e.detail ?? ''}`)));
        break;
      case 'note':
        lines.push(dim(full(e.t, `  ${e.side === 'learner' ? `your code: ${e.detail}` : e.detail ?? ''}`)));
        break;
      case 'gave-up':
        lines.push(red(full(e.t, `✗ the check gave up: ${e.detail ?? ''}`)));
        break;
      case 'clean-up':
        lines.push(dim(full(e.t, '── the check is over; netlings closes what is still open ──')));
        break;
    }
  }
  // The end is where it went wrong: keep more of it than of the start.
  const head = Math.floor(maxLines / 3);
  const cut = lines.length > maxLines ? [...lines.slice(0, head), dim(`${''.padStart(timeW - 1)} … ${lines.length - maxLines} more events …`), ...lines.slice(-(maxLines - head))] : lines;
  const header = `${'ms'.padStart(timeW - 1)} ${'the check'.padEnd(leftW)} ${''.padEnd(mid)} your code`;
  return [dim(header), ...cut];
}
