// Connected socket pairs for checks of code that is handed a socket (framing, message sockets):
// the learner's end is an ordinary client socket; the check plays the other end as a Wire,
// which keeps what arrives as a list of chunks (cheap for 16 MB payloads), writes in pieces of
// chosen sizes, and can hold back reading entirely, to play a slow reader. Nothing here is in
// tracking.ts's sets: these pairs are destroyed after each check by this file's own hook, so
// the end-of-check clean-up never waits for a socket nobody reads.
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { HOST } from './net.ts';
import { until, within, type WaitOptions } from './wait.ts';
import { recordSocket } from './timeline.ts';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

const sockets = new Set<net.Socket>();
const servers = new Set<net.Server>();

onCheckEnd(AFTER_CHECK.framing, async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  const all = [...servers];
  servers.clear();
  await Promise.all(all.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A frame as lesson 08 defines it: a 4-byte big-endian length, then the payload. */
export function frame(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
}

/**
 * `size` bytes that show where they came from: byte i is (i * 7 + seed) % 251. The period is a
 * prime that no power of two divides, so a payload shifted, cut or joined at the wrong place
 * never looks right.
 */
export function pattern(size: number, seed = 0): Buffer {
  const period = Buffer.allocUnsafe(251);
  for (let i = 0; i < 251; i++) period[i] = (i * 7 + seed) % 251;
  // Buffer.alloc repeats a fill Buffer natively: 16 MB in milliseconds.
  return size === 0 ? Buffer.alloc(0) : Buffer.alloc(size, period);
}

/** The other end of the learner's socket, as the check plays it. */
export class Wire extends EventEmitter {
  private chunks: Buffer[] = [];
  /** Bytes received so far. */
  size = 0;
  ended = false;
  closed = false;
  error: NodeJS.ErrnoException | undefined;

  constructor(readonly socket: net.Socket, reading: boolean) {
    super();
    socket.on('end', () => this.changed(() => (this.ended = true)));
    socket.on('error', (err) => this.changed(() => (this.error = err)));
    socket.on('close', () => this.changed(() => (this.closed = true)));
    if (reading) this.startReading();
  }

  private changed(update: () => unknown): void {
    update();
    this.emit('change');
  }

  /** Starts (or resumes) reading what the learner's end sends. */
  startReading(): void {
    if (this.socket.listenerCount('data') === 0) {
      this.socket.on('data', (chunk: Buffer) => this.changed(() => (this.chunks.push(chunk), (this.size += chunk.length))));
    }
    this.socket.resume();
  }

  /** Everything received so far, as one Buffer. */
  received(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /**
   * Writes and waits until the bytes are handed to the kernel. A write that fails because the
   * learner's end is gone does not fail the check here: what the learner did is checked next.
   */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  /**
   * Writes `data` in pieces, letting the event loop run between them so the learner's end
   * reads each piece as its own chunk. `sizes` cycles: [1] is one byte at a time.
   */
  async writeInPieces(data: string | Buffer, sizes: number[]): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let i = 0, k = 0; i < bytes.length && !this.socket.destroyed; k++) {
      const n = sizes[k % sizes.length];
      await this.write(bytes.subarray(i, i + n));
      i += n;
      await nextTurn();
    }
  }

  /** Half-close: no more data from the check's side. */
  end(): void {
    this.socket.end();
  }

  /** Aborts the connection with a TCP RST, as a crashed peer would. */
  reset(): void {
    this.socket.resetAndDestroy();
  }

  /** Has the learner's end gone (FIN, reset or close)? */
  get gone(): boolean {
    return this.ended || this.closed || this.error !== undefined;
  }

  /** Waits until `check()` returns something, re-checking on every event of this connection. */
  waitUntil<T>(check: () => T | undefined, waitingFor: string, options: WaitOptions = {}): Promise<T> {
    return until(
      (notify) => {
        this.on('change', notify);
        return () => this.off('change', notify);
      },
      check,
      waitingFor,
      options,
    );
  }
}

/**
 * A connected pair over 127.0.0.1: `learner` is a client socket to hand to the learner's code,
 * `wire` the check's end. With `reading: false` the check's end reads nothing until
 * `wire.startReading()`: the kernel's buffers fill up and the learner's writes back up.
 */
export async function socketPair({ reading = true } = {}): Promise<{ learner: net.Socket; wire: Wire }> {
  const server = net.createServer({ pauseOnConnect: !reading, allowHalfOpen: true, noDelay: true }); // see Peer
  servers.add(server);
  server.listen(0, HOST);
  await within(once(server, 'listening'), 'a test server for a socket pair to start listening');
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const learner = net.connect((server.address() as net.AddressInfo).port, HOST);
  sockets.add(learner);
  recordSocket(learner, 'learner');
  // The checks own this socket: an error after the learner's code has finished with it must not
  // crash the run. The learner's code still has to listen for 'error' to settle its promise.
  learner.on('error', () => {});
  const [theirs] = await within(accepted, 'the test server to accept a socket pair');
  sockets.add(theirs);
  recordSocket(theirs, 'check');
  if (learner.connecting) await within(once(learner, 'connect'), 'a socket pair to connect');
  return { learner, wire: new Wire(theirs, reading) };
}

/**
 * Waits until `socket` has read `bytes` bytes from the kernel in all (socket.bytesRead), so the
 * next write reaches it as a later chunk. It watches a counter, not a listener, so the learner's
 * way of reading (flowing, 'readable', for await) is left alone: each event-loop turn checks it.
 */
export async function untilRead(socket: net.Socket, bytes: number, waitingFor: string): Promise<void> {
  let waiting = true;
  const reached = (async () => {
    while (waiting && socket.bytesRead < bytes && !socket.destroyed) await nextTurn();
  })();
  try {
    await within(reached, waitingFor);
  } finally {
    waiting = false;
  }
}

export interface WriteWatch {
  /** The most bytes ever queued in the socket's buffer right after a write() call. */
  maxQueued: number;
  /** How many write() calls returned false. */
  refusals: number;
}

/**
 * Watches how the learner writes to `socket`: after every write() call, how much sits in the
 * socket's buffer (writableLength). Calls `onRefused` once, when write() first returns false.
 */
export function watchWrites(socket: net.Socket, onRefused?: () => void): WriteWatch {
  const watch: WriteWatch = { maxQueued: 0, refusals: 0 };
  const write = socket.write;
  socket.write = function (this: net.Socket, ...args: unknown[]) {
    const ok = (write as (...a: unknown[]) => boolean).apply(this, args);
    watch.maxQueued = Math.max(watch.maxQueued, this.writableLength);
    if (!ok && watch.refusals++ === 0) onRefused?.();
    return ok;
  } as typeof socket.write;
  return watch;
}
