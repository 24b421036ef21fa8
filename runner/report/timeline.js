// The wire timeline of a check, drawn as a two-column sequence diagram: the check's client on
// the left, the learner's code on the right, arrows for bytes and FINs, and the moment the check
// gave up. Pure: events in, lines out. The harness records the events (runner/harness/timeline.ts).

/**
 * @typedef {object} WireEvent
 * @property {number} t            ms since the check started
 * @property {'check' | 'learner'} side  whose socket saw it
 * @property {number} conn         connection number within the check (1, 2, …)
 * @property {'connect' | 'accept' | 'send' | 'recv' | 'fin-sent' | 'fin-recv' | 'reset' | 'error' | 'close' | 'gave-up' | 'note'} kind
 * @property {number} [bytes]
 * @property {string} [preview]    the first bytes, JSON-escaped
 * @property {string} [detail]     an error code, or the text of a note
 */

/** At most this many event lines; the middle of a longer timeline is cut. */
const MAX_LINES = 28;

const size = (/** @type {number} */ n) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
const data = (/** @type {WireEvent} */ e) => `${e.preview ?? ''} ${size(e.bytes ?? 0)}`.trim();

/**
 * Joins runs of more than three of the same data event (a learner reading 200 one-byte chunks)
 * into one line with a count; shorter runs stay as they are, since each chunk may matter.
 * @param {WireEvent[]} events
 */
function collapse(events) {
  /** @type {(WireEvent & { count: number })[]} */
  const out = [];
  for (let i = 0; i < events.length; ) {
    const e = events[i];
    let j = i + 1;
    if (e.kind === 'recv' || e.kind === 'send') {
      while (j < events.length && events[j].kind === e.kind && events[j].side === e.side && events[j].conn === e.conn) j++;
    }
    if (j - i > 3) {
      out.push({ ...e, count: j - i, bytes: events.slice(i, j).reduce((n, x) => n + (x.bytes ?? 0), 0) });
    } else {
      for (let k = i; k < j; k++) out.push({ ...events[k], count: 1 });
    }
    i = j;
  }
  return out;
}

/**
 * @param {WireEvent[]} events  in time order
 * @param {{ width?: number, color?: (s: string) => string }} [options]
 * @returns {string[]}
 */
export function formatTimeline(events, { width = 80 } = {}) {
  if (!events.length) return [];
  const many = new Set(events.filter((e) => e.conn > 0).map((e) => e.conn)).size > 1;
  const timeW = 8;
  const mid = Math.max(12, Math.min(22, width - timeW - 2 * 22 - 4));
  const colW = Math.max(16, Math.floor((width - timeW - mid - 4) / 2));
  const clip = (/** @type {string} */ s, /** @type {number} */ n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const arrowRight = (/** @type {string} */ label) => clip(`── ${label} `, mid - 1).padEnd(mid - 1, '─') + '▶';
  const arrowLeft = (/** @type {string} */ label) => '◀' + clip(` ${label} ──`, mid - 1).padStart(mid - 1, '─');
  const conn = (/** @type {WireEvent} */ e) => (many ? `#${e.conn} ` : '');
  const row = (/** @type {number} */ t, /** @type {string} */ left, /** @type {string} */ arrow, /** @type {string} */ right) =>
    `${t.toFixed(1).padStart(timeW - 1)} ${clip(left, colW).padEnd(colW)} ${arrow.padEnd(mid)} ${clip(right, width - timeW - colW - mid - 2)}`.trimEnd();

  /** @type {string[]} */
  const lines = [];
  for (const e of collapse(events)) {
    const c = conn(e);
    const n = e.count > 1 ? `${e.count} chunks, ` : '';
    const left = e.side === 'check';
    switch (e.kind) {
      case 'connect':
        lines.push(row(e.t, `${c}connect`, arrowRight('SYN'), ''));
        break;
      case 'accept':
        lines.push(row(e.t, '', '', `${c}connection accepted`));
        break;
      case 'send':
        lines.push(left ? row(e.t, `${c}sent`, arrowRight(e.count > 1 ? `${n}${size(e.bytes ?? 0)}` : data(e)), '') : row(e.t, '', arrowLeft(e.count > 1 ? `${n}${size(e.bytes ?? 0)}` : data(e)), `${c}wrote`));
        break;
      case 'recv':
        if (left) lines.push(row(e.t, `${c}got ${e.count > 1 ? `${n}${size(e.bytes ?? 0)}` : data(e)}`, '', ''));
        else lines.push(row(e.t, '', '', `${c}read ${e.count > 1 ? `${size(e.bytes ?? 0)} in ${e.count} chunks` : data(e)}`));
        break;
      case 'fin-sent':
        lines.push(left ? row(e.t, `${c}end()`, arrowRight('FIN'), '') : row(e.t, '', arrowLeft('FIN'), `${c}end()`));
        break;
      case 'fin-recv':
        lines.push(left ? row(e.t, `${c}got FIN (end)`, '', '') : row(e.t, '', '', `${c}'end': got FIN`));
        break;
      case 'reset':
        lines.push(left ? row(e.t, `${c}reset`, arrowRight('RST'), '') : row(e.t, '', arrowLeft('RST'), `${c}destroyed (reset)`));
        break;
      case 'error':
        lines.push(left ? row(e.t, `${c}error ${e.detail ?? ''}`, '', '') : row(e.t, '', '', `${c}'error' ${e.detail ?? ''}`));
        break;
      case 'close':
        lines.push(left ? row(e.t, `${c}closed`, '', '') : row(e.t, '', '', `${c}closed`));
        break;
      case 'note':
        lines.push(row(e.t, `  ${e.detail ?? ''}`, '', ''));
        break;
      case 'gave-up':
        lines.push(`${e.t.toFixed(1).padStart(timeW - 1)} ✗ the check gave up: ${e.detail ?? ''}`);
        break;
    }
  }
  const cut = lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES / 2), `${''.padStart(timeW - 1)} … ${lines.length - MAX_LINES} more events …`, ...lines.slice(-MAX_LINES / 2)] : lines;
  const header = `${'ms'.padStart(timeW - 1)} ${"the check's client".padEnd(colW)} ${''.padEnd(mid)} your code`;
  return [header, ...cut];
}
