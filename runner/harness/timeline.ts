// Records what happened on the wire during a check, from both ends: the sockets the check opens
// and the sockets the learner's code accepts or opens. When a check fails, verify draws these
// events as a two-column sequence diagram (runner/report/timeline.js), so a learner can tell
// "my server never answered" from "it answered before the line was complete" from "it closed
// too early".
//
// Recording observes only and costs almost nothing while nothing fails: it wraps push/write/end/
// destroy on the socket instance and adds 'connect'/'close' listeners, never a 'data' or 'error'
// listener (a paused socket stays paused, an unhandled error still crashes). An event keeps at
// most PREVIEW_BYTES copied bytes and no strings are built: previews, connection numbers and
// error codes are worked out in takeTimeline(), which only runs for a check that failed (or
// with `verify --timeline`). NETLINGS_TIMELINE=off turns recording off (npm run bench).
//
// The store lives on globalThis: every copy of this module (one per test file) and the worker's
// setup (runner/engine/worker-setup.js, which starts and takes the timeline around each check)
// share it. UDP is recorded by timeline-udp.ts; the events are made ready to send and draw by
// timeline-take.ts.
import type dgram from 'node:dgram';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';

export type Kind =
  | 'connect' // the check's client connected (or the learner's client reached the check's server)
  | 'accept' // a server accepted a connection
  | 'secure' // the TLS handshake completed (detail: the authorisation error, if any)
  | 'send' // write() called
  | 'recv' // bytes arrived from the kernel (the chunks as the socket really got them)
  | 'fin-sent' // end() called
  | 'fin-recv' // the other side's FIN arrived
  | 'destroy' // destroy() called before both directions had ended
  | 'reset' // resetAndDestroy(): an RST
  | 'error' // the socket failed (detail: the code)
  | 'close'
  | 'wait' // the check started waiting for something (detail: what)
  | 'gave-up' // the check failed here (detail: the failure's message)
  | 'clean-up' // the check ended; what follows is the runner closing what was left open
  | 'note';

/** One event as the formatter gets it (runner/report/timeline.js has the same shape). */
export interface WireEvent {
  t: number;
  side: 'check' | 'learner';
  conn: number;
  kind: Kind;
  bytes?: number;
  preview?: string;
  detail?: string;
  /** UDP: the datagram's source and destination ports. */
  udp?: { from?: number; to?: number };
}

export type Side = 'check' | 'learner';
/** A recorded socket: its connection key is found once its ports are known. */
export interface End {
  /** The check it was recorded in: a socket of an earlier check closing now is not this one's. */
  check: number;
  side: Side;
  socket: net.Socket;
  accepted: boolean;
  key?: number | string;
}
export interface Raw {
  t: number;
  side: Side;
  end?: End;
  kind: Kind;
  bytes?: number;
  head?: Buffer | string;
  /** The last bytes of a chunk longer than the head: where a line gets cut. */
  tail?: Buffer;
  detail?: string;
  error?: unknown;
  from?: number;
  to?: number;
}
export interface Store {
  mode: 'off' | 'failed' | 'all';
  check: number;
  origin: number;
  first: Raw[];
  /** After `first` is full: a ring of the latest events, so the end (the failure) is never lost. */
  last: Raw[];
  next: number;
  links: Array<[number, number]>;
  unixCount: { check: number; learner: number };
  /** UDP sockets that are the checks' or not to be recorded; all others are the learner's. */
  udpRoles: WeakMap<dgram.Socket, 'check' | 'quiet'>;
  /** The dgram wrappers (timeline-udp.ts) are installed once per worker, by the first copy. */
  udpInstalled?: boolean;
}

/** The first and the last this many events are kept; a runaway writer cannot make the report huge. */
export const KEEP = 600;
const PREVIEW_BYTES = 24;
const TAIL_BYTES = 16;
/** A chunk up to PREVIEW_BYTES is shown whole; a longer one as its start and its end. */
export const HEAD_CHARS = 5;
export const TAIL_CHARS = 10;
const KEY = Symbol.for('netlings.timeline');
const now = performance.now.bind(performance); // captured before learner code can replace it

const g = globalThis as unknown as Record<symbol, Store | undefined>;
const mode = process.env.NETLINGS_TIMELINE === 'off' ? 'off' : process.env.NETLINGS_TIMELINE === 'all' ? 'all' : 'failed';
export const store: Store = (g[KEY] ??= { mode, check: 0, origin: now(), first: [], last: [], next: 0, links: [], unixCount: { check: 0, learner: 0 }, udpRoles: new WeakMap() });

/** Starts an empty timeline (before each check). */
export function startTimeline(): void {
  store.check++;
  store.origin = now();
  store.first = [];
  store.last = [];
  store.next = 0;
  store.links = [];
  store.unixCount = { check: 0, learner: 0 };
}

export function push(event: Omit<Raw, 't'>): void {
  if (event.end && event.end.check !== store.check) return;
  const raw = event as Raw;
  raw.t = now() - store.origin;
  if (store.first.length < KEEP) store.first.push(raw);
  else store.last[store.next++ % KEEP] = raw;
}

/** Gives two ports the same connection number (a proxy's inbound and outbound sides). */
export function linkPorts(a: number | undefined, b: number | undefined): void {
  if (store.mode !== 'off' && a !== undefined && b !== undefined) store.links.push([a, b]);
}

/** Notes something the check did or decided. */
export function note(kind: 'gave-up' | 'note' | 'wait' | 'clean-up', detail = ''): void {
  if (store.mode !== 'off') push({ side: 'check', kind, detail });
}

/** A copy of the first bytes of a chunk (never a view: it would keep the whole chunk alive). */
export function head(chunk: unknown, encoding?: unknown): { bytes: number; head?: Buffer | string; tail?: Buffer } {
  if (typeof chunk === 'string') {
    const enc = typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8';
    if (chunk.length <= PREVIEW_BYTES) return { bytes: Buffer.byteLength(chunk, enc), head: Buffer.from(chunk, enc) };
    return { bytes: Buffer.byteLength(chunk, enc), head: Buffer.from(chunk.slice(0, PREVIEW_BYTES), enc), tail: Buffer.from(chunk.slice(-TAIL_BYTES), enc) };
  }
  if (chunk instanceof Uint8Array) {
    if (chunk.length <= PREVIEW_BYTES) return { bytes: chunk.length, head: Buffer.from(chunk) };
    return { bytes: chunk.length, head: Buffer.from(chunk.subarray(0, PREVIEW_BYTES)), tail: Buffer.from(chunk.subarray(-TAIL_BYTES)) };
  }
  return { bytes: 0 };
}

/** The key both ends of a TCP connection share: the client's port (the server's remote port). */
export function keyOf(end: End): number | string | undefined {
  if (end.key !== undefined) return end.key;
  const port = end.accepted ? end.socket.remotePort : end.socket.localPort;
  if (port !== undefined) return (end.key = port);
  // A Unix socket has no ports: the n-th connection the check makes is the n-th one accepted.
  if (end.accepted || !end.socket.connecting) return (end.key = `unix ${++store.unixCount[end.side]}`);
  return undefined;
}

const recorded = new WeakSet<object>();

/**
 * Records a TCP, TLS or Unix socket's events. `side` says whose socket it is. A server's
 * accepted socket is recorded as accepted at once; a client's connection when it connects.
 * `tcpOnly`: the TCP socket below a learner's TLS connection (its TLS socket is recorded too).
 */
export function recordSocket(socket: net.Socket, side: Side, { tcpOnly = false }: { tcpOnly?: boolean } = {}): void {
  if (store.mode === 'off' || recorded.has(socket)) return;
  recorded.add(socket);
  const s = socket as net.Socket & { server?: unknown; _server?: unknown; encrypted?: boolean };
  const end: End = { check: store.check, side, socket, accepted: Boolean(s.server ?? s._server) };
  const tls = Boolean(s.encrypted);
  if (tcpOnly) {
    // Its TLS socket tells the rest; the TCP socket's close only matters if the handshake failed.
    keyOf(end);
    push({ side, end, kind: 'accept' });
    socket.once('close', () => push({ side, end, kind: 'close', error: (socket as net.Socket & { errored?: unknown }).errored }));
    return;
  }
  if (end.accepted) {
    keyOf(end);
    push({ side, end, kind: tls ? 'secure' : 'accept' });
  } else {
    socket.once('connect', () => {
      keyOf(end);
      push({ side, end, kind: 'connect' });
    });
  }
  if (tls) socket.once('secureConnect', () => push({ side, end, kind: 'secure', error: (socket as net.Socket & { authorizationError?: unknown }).authorizationError }));
  socket.once('close', () => push({ side, end, kind: 'close', error: (socket as net.Socket & { errored?: unknown }).errored }));
  // Bytes and EOF as the socket receives them, however the code reads them ('data', 'readable',
  // for await, readline): node's stream code calls push() on the instance.
  const push_ = socket.push;
  socket.push = function (this: net.Socket, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk === null) push({ side, end, kind: 'fin-recv' });
    else push({ side, end, kind: 'recv', ...head(chunk, encoding) });
    return push_.call(this, chunk, encoding);
  };
  // Node replaces a socket's write() once the other side's FIN arrives (allowHalfOpen: false):
  // an accessor keeps recording through node's replacement. Anyone else who sets write() wraps
  // the recording one they read before (framing.ts's watchWrites, learner code): theirs is
  // returned from then on, and it still calls ours.
  let write = socket.write;
  let outer: typeof socket.write | undefined;
  const recordingWrite = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
    if (!this.writableEnded && !this.destroyed) push({ side, end, kind: 'send', ...head(chunk, rest[0]) });
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof socket.write;
  Object.defineProperty(socket, 'write', {
    configurable: true,
    get: () => outer ?? recordingWrite,
    set: (replacement: typeof socket.write) => {
      if (replacement?.name === 'writeAfterFIN') write = replacement;
      else outer = replacement === recordingWrite ? undefined : replacement;
    },
  });
  const end_ = socket.end;
  socket.end = function (this: net.Socket, ...args: unknown[]) {
    if (!this.writableEnded && !this.destroyed) {
      if (args[0] !== undefined && args[0] !== null && typeof args[0] !== 'function') push({ side, end, kind: 'send', ...head(args[0], args[1]) });
      push({ side, end, kind: 'fin-sent' });
    }
    return (end_ as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof socket.end;
  const destroy = socket.destroy;
  socket.destroy = function (this: net.Socket, error?: Error) {
    // Node destroys a socket itself once both directions have ended (autoDestroy), and on a
    // failed read or write (with the error): only an abrupt destroy() is an event of its own.
    if (!this.destroyed && !(this.readableEnded && this.writableFinished)) push({ side, end, kind: error ? 'error' : 'destroy', error });
    return destroy.call(this, error);
  };
  const resetAndDestroy = socket.resetAndDestroy;
  if (resetAndDestroy) {
    socket.resetAndDestroy = function (this: net.Socket) {
      if (!this.destroyed) push({ side, end, kind: 'reset' });
      return resetAndDestroy.call(this);
    };
  }
}

/**
 * Records every connection a learner's server accepts, before the learner's own 'connection'
 * listener runs (a greeting written at once is recorded too). For a TLS server, the TCP socket
 * shows the accept and the TLS socket the rest; a failed handshake is noted.
 */
export function recordLearnerServer(server: net.Server): void {
  recordServer(server, 'learner');
}

/** The same for a test server (the check's side): its TLS handshakes that fail are noted too. */
export function recordServer(server: net.Server, side: Side): void {
  if (store.mode === 'off' || recorded.has(server)) return;
  recorded.add(server);
  const isTls = typeof (server as net.Server & { setSecureContext?: unknown }).setSecureContext === 'function';
  server.prependListener('connection', (socket: net.Socket) => recordSocket(socket, side, { tcpOnly: isTls }));
  if (!isTls) return;
  server.prependListener('secureConnection', (socket: net.Socket) => recordSocket(socket, side));
  server.prependListener('tlsClientError', (error: unknown) => push({ side, kind: 'note', detail: `the TLS handshake failed: ${codeOf(error)}` }));
}

/** An error's code (or its message), for one line. */
export const codeOf = (error: unknown): string | undefined => {
  if (error === undefined || error === null) return undefined;
  try {
    const e = error as NodeJS.ErrnoException;
    return String(e.code ?? e.message ?? e);
  } catch {
    return 'an unreadable error';
  }
};

/** True the first time it is called in this worker: the caller installs the dgram wrappers. */
export function claimUdpRecording(): boolean {
  if (store.udpInstalled) return false;
  return (store.udpInstalled = true);
}

/** Whether the worker should send the timeline of a check that ended in `state`. */
export function timelineWanted(failed: boolean): boolean {
  return store.mode === 'all' || (store.mode === 'failed' && failed);
}
