// Records what happened on the wire during a check, from both ends: the sockets the check opens
// and the sockets the learner's code accepts or opens. When a check fails, verify draws these
// events as a two-column sequence diagram (runner/report/timeline.js), so a learner can tell
// "my server never answered" from "it answered before the line was complete" from "it closed
// too early". Recording observes only: it wraps emit/write/end on the socket instance and adds
// no 'data' listener, so a paused socket stays paused.
import type net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface WireEvent {
  t: number;
  side: 'check' | 'learner';
  conn: number;
  kind: 'connect' | 'accept' | 'send' | 'recv' | 'fin-sent' | 'fin-recv' | 'reset' | 'error' | 'close' | 'gave-up' | 'note';
  bytes?: number;
  preview?: string;
  detail?: string;
}

/** Enough for any check; a runaway writer cannot make the report huge. */
const MAX_EVENTS = 2000;
const PREVIEW_CHARS = 20;

let origin = performance.now();
let events: WireEvent[] = [];
let nextConn = 1;
/** Both ends of a connection share a number: the client's local port is the server's remote port. */
const connByPort = new Map<number, number>();

/** Starts an empty timeline (before each check). */
export function startTimeline(): void {
  origin = performance.now();
  events = [];
  nextConn = 1;
  connByPort.clear();
}

export function timelineEvents(): WireEvent[] {
  return events;
}

function push(event: Omit<WireEvent, 't'>): void {
  if (events.length < MAX_EVENTS) events.push({ t: Math.round((performance.now() - origin) * 10) / 10, ...event });
}

/** Gives two ports the same connection number (a proxy's inbound and outbound sides). */
export function linkPorts(a: number | undefined, b: number | undefined): void {
  if (a === undefined || b === undefined) return;
  const conn = connByPort.get(a) ?? connByPort.get(b) ?? nextConn++;
  connByPort.set(a, conn).set(b, conn);
}

function connFor(port: number | undefined): number {
  if (port === undefined) return 0;
  let conn = connByPort.get(port);
  if (conn === undefined) connByPort.set(port, (conn = nextConn++));
  return conn;
}

/** The first characters of a chunk, escaped as a JSON string. */
export function preview(chunk: unknown): string {
  const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8', 0, PREVIEW_CHARS * 4) : String(chunk);
  const cut = text.length > PREVIEW_CHARS;
  return `${JSON.stringify(text.slice(0, PREVIEW_CHARS))}${cut ? '…' : ''}`;
}

const byteLength = (chunk: unknown) => (typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as { length?: number })?.length ?? 0);

/** Notes something the check did or decided, e.g. the wait it gave up on. */
export function note(kind: 'gave-up' | 'note', detail: string): void {
  push({ side: 'check', conn: 0, kind, detail });
}

/**
 * Records a socket's events. `side` says whose socket it is; `port` picks the connection number
 * (the check's client: its local port; the learner's accepted socket: its remote port).
 */
export function recordSocket(socket: net.Socket, side: 'check' | 'learner'): void {
  const conn = () => connFor(side === 'check' ? socket.localPort : socket.remotePort);
  const emit = socket.emit;
  socket.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
    switch (event) {
      case 'connect':
        push({ side, conn: conn(), kind: 'connect' });
        break;
      case 'data':
        push({ side, conn: conn(), kind: 'recv', bytes: byteLength(args[0]), preview: preview(args[0]) });
        break;
      case 'end':
        push({ side, conn: conn(), kind: 'fin-recv' });
        break;
      case 'error':
        push({ side, conn: conn(), kind: 'error', detail: (args[0] as NodeJS.ErrnoException)?.code ?? String((args[0] as Error)?.message ?? args[0]) });
        break;
      case 'close':
        push({ side, conn: conn(), kind: 'close' });
        break;
    }
    return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof socket.emit;
  const write = socket.write;
  socket.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
    if (!this.writableEnded && !this.destroyed) push({ side, conn: conn(), kind: 'send', bytes: byteLength(chunk), preview: preview(chunk) });
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof socket.write;
  const end = socket.end;
  socket.end = function (this: net.Socket, ...args: unknown[]) {
    if (!this.writableEnded && !this.destroyed) {
      if (args[0] !== undefined && typeof args[0] !== 'function') push({ side, conn: conn(), kind: 'send', bytes: byteLength(args[0]), preview: preview(args[0]) });
      push({ side, conn: conn(), kind: 'fin-sent' });
    }
    return (end as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof socket.end;
  const resetAndDestroy = socket.resetAndDestroy;
  socket.resetAndDestroy = function (this: net.Socket) {
    if (!this.destroyed) push({ side, conn: conn(), kind: 'reset' });
    return resetAndDestroy.call(this);
  };
  if (side === 'learner') push({ side, conn: conn(), kind: 'accept' });
}
