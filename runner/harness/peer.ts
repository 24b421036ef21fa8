// One side of a TCP conversation, as a check sees it.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fail, firstDifference, show } from './failure.ts';
import { labelLogsAfterReset } from './log-label.ts';
import { openSockets } from './tracking.ts';
import { until, type WaitOptions } from './wait.ts';

/** Write errors that only mean the other side has gone. */
const GONE = ['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED'];

/**
 * One side of a TCP conversation as a check sees it: everything received is kept, and the check
 * reads it in order (`expectNext`), never assuming how the bytes were split into chunks.
 */
export class Peer extends EventEmitter {
  // Everything received, in a buffer that grows by doubling: replies of many megabytes arrive in
  // hundreds of chunks, and copying all of it on every chunk would cost seconds.
  private store = Buffer.alloc(0);
  private length = 0;
  private cursor = 0;
  ended = false;
  closed = false;
  error: NodeJS.ErrnoException | undefined;

  constructor(
    readonly socket: net.Socket,
    /** Who is on the other end, for messages: "your server". */
    readonly other: string,
  ) {
    super();
    openSockets.add(socket);
    // What the check writes in separate turns leaves as separate segments: without this, Nagle's
    // algorithm holds a small write until the previous one is acknowledged and merges them, so
    // "two chunks" could arrive as one and a check for split input would test nothing.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.length + chunk.length > this.store.length) {
        const bigger = Buffer.allocUnsafe(Math.max(this.store.length * 2, this.length + chunk.length, 1024));
        this.store.copy(bigger, 0, 0, this.length);
        this.store = bigger;
      }
      chunk.copy(this.store, this.length);
      this.length += chunk.length;
      this.emit('change');
    });
    socket.on('end', () => {
      this.ended = true;
      this.emit('change');
    });
    socket.on('error', (err) => {
      this.error = err;
      this.emit('change');
    });
    socket.on('close', () => {
      this.closed = true;
      openSockets.delete(socket);
      this.emit('change');
    });
  }

  private subscribe = (notify: () => void) => {
    this.on('change', notify);
    return () => this.off('change', notify);
  };

  private get received(): Buffer {
    return this.store.subarray(0, this.length);
  }

  /** All text received so far (UTF-8). */
  text(): string {
    return this.received.toString('utf8');
  }

  /** Bytes received and not yet consumed by expectNext. */
  get unread(): Buffer {
    return this.received.subarray(this.cursor);
  }

  private state(): string {
    const got = this.unread.length ? show(this.unread.toString('utf8')) : 'nothing more arrived';
    const end = this.error ? `, then the connection failed (${this.error.code ?? this.error.message})` : this.ended ? `, then ${this.other} ended the connection` : '';
    return got + end;
  }

  /**
   * Writes and waits until the bytes are handed to the kernel. When the other side has gone (it
   * ended or reset the connection), it resolves anyway: the check's next expectation says what the
   * learner's code did, instead of a raw EPIPE.
   */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(data, (err) => (!err || GONE.includes((err as NodeJS.ErrnoException).code ?? '') ? resolve() : reject(err))),
    );
  }

  /**
   * Writes `data` in pieces of `size` bytes, letting the event loop run between pieces so the
   * other side reads each piece as its own chunk (it may even split a UTF-8 character).
   */
  async writeInPieces(data: string | Buffer, size: number): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let i = 0; i < bytes.length && !this.socket.destroyed; i += size) {
      try {
        await this.write(bytes.subarray(i, i + size));
      } catch (err) {
        // The other side left mid-way (it acted on part of the data): stop writing and let the
        // check's next expectation say what the learner's code did, not a raw EPIPE.
        if (GONE.includes((err as NodeJS.ErrnoException).code ?? '')) return;
        throw err;
      }
      await nextTurn();
    }
  }

  /** Half-close: send FIN, keep reading. */
  end(data?: string): void {
    if (data === undefined) this.socket.end();
    else this.socket.end(data);
  }

  /** Abort the connection with a TCP RST, as a crashed client would. */
  reset(): void {
    labelLogsAfterReset();
    this.socket.resetAndDestroy();
  }

  /**
   * Waits for `expected` to be the next bytes from the other side and consumes them.
   * Fails as soon as what arrived differs, or when the connection ends or the deadline passes first.
   * `hint` may be a function of what arrived (unread text), to fit the hint to the observation.
   */
  async expectNext(expected: string, what: string, hint: string | ((got: string) => string), options: WaitOptions = {}): Promise<void> {
    const want = Buffer.from(expected, 'utf8');
    const hintNow = () => (typeof hint === 'function' ? hint(this.unread.toString('utf8')) : hint);
    let matched = 0; // bytes already compared: each byte is compared once, however many chunks
    const result = await until(
      this.subscribe,
      () => {
        const have = this.unread;
        const n = Math.min(have.length, want.length);
        if (!have.subarray(matched, n).equals(want.subarray(matched, n))) return 'differs' as const;
        matched = n;
        if (have.length >= want.length) return 'ok' as const;
        if (this.ended || this.closed || this.error) return 'short' as const;
        return undefined;
      },
      what,
      { hint: hintNow, detail: () => this.state(), ...options },
    );
    if (result === 'ok') {
      this.cursor += want.length;
      return;
    }
    const have = this.unread;
    const shown = have.subarray(0, Math.max(want.length, Math.min(have.length, want.length + 40))).toString('utf8');
    const where = result === 'differs' && expected.length > 72 ? firstDifference(expected, shown.slice(0, expected.length)) : undefined;
    fail({
      message:
        result === 'short'
          ? `${this.other} closed the connection before sending ${what}`
          : `${what} was not what the protocol asks for${where ? `: ${where}` : ''}`,
      expected: show(expected),
      actual: result === 'short' ? this.state() : show(shown),
      hint: hintNow(),
    });
  }

  /** Waits until the other side ends the connection (FIN), failing if it sends more first. */
  async expectEnd(what: string, hint: string): Promise<void> {
    await until(this.subscribe, () => (this.ended || this.closed || this.error || this.unread.length ? true : undefined), what, {
      hint,
      detail: () => this.state(),
    });
    if (this.unread.length) {
      fail({ message: `${this.other} sent more data while the check waited for ${what}`, expected: 'the connection to end, with nothing more before it', actual: `more data: ${show(this.unread.toString('utf8'))}`, hint });
    }
    if (this.error && !this.ended) {
      fail({ message: `the connection broke instead of ending cleanly (${this.error.code ?? this.error.message})`, expected: 'an orderly end (FIN)', actual: this.state(), hint });
    }
  }

  /** Waits for the other side's FIN, whatever arrived before it. */
  async waitForEnd(what: string, hint: string): Promise<void> {
    await until(this.subscribe, () => (this.ended || this.closed ? true : undefined), what, { hint, detail: () => this.state() });
  }
}

