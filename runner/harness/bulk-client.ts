// A client for answers of many megabytes. Peer keeps every byte and compares from the start on
// each chunk, which is fine for a megabyte and slow for ten; this one compares each chunk where
// it lands and keeps nothing, so an 8 MB answer costs what the bytes cost. It starts paused:
// a check can let a server's writes pile up before reading (a slow reader).
import { once } from 'node:events';
import net from 'node:net';
import { fail } from './failure.ts';
import { HOST } from './net.ts';
import { openSockets } from './tracking.ts';
import { STEP_DEADLINE_MS, until, within } from './wait.ts';

export class BulkClient {
  private received = 0;
  private mismatchAt = -1;
  private expected: Buffer = Buffer.alloc(0);
  ended = false;
  error: NodeJS.ErrnoException | undefined;
  closed = false;

  constructor(readonly socket: net.Socket) {
    openSockets.add(socket);
    socket.on('error', (err) => (this.error = err));
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => {
      this.closed = true;
      openSockets.delete(socket);
    });
  }

  /**
   * Starts reading, and waits until the other side has ended the connection after sending
   * exactly `expected`. Fails at the first byte that differs, or when the end comes early.
   */
  async readExactlyThenEnd(expected: Buffer, what: string, hint: string): Promise<void> {
    this.expected = expected;
    this.socket.on('data', (chunk: Buffer) => {
      if (this.mismatchAt < 0 && !chunk.equals(expected.subarray(this.received, this.received + chunk.length))) {
        let i = 0;
        while (i < chunk.length && chunk[i] === expected[this.received + i]) i++;
        this.mismatchAt = this.received + i;
      }
      this.received += chunk.length;
    });
    await until(
      (notify) => {
        this.socket.on('data', notify).on('end', notify).on('close', notify);
        return () => this.socket.off('data', notify).off('end', notify).off('close', notify);
      },
      () => (this.mismatchAt >= 0 || this.ended || this.closed ? true : undefined),
      what,
      // Megabytes: never the shorter deadline that follows a time-out elsewhere in the file.
      { hint, ms: STEP_DEADLINE_MS, detail: () => `received ${this.received.toLocaleString('en')} of ${expected.length.toLocaleString('en')} bytes` },
    );
    const got = `${this.received.toLocaleString('en')} bytes`;
    if (this.mismatchAt >= 0) {
      fail({ message: `${what} differs from what was expected, at byte ${this.mismatchAt.toLocaleString('en')}`, expected: `${this.expected.length.toLocaleString('en')} bytes`, actual: got, hint });
    }
    if (this.received !== expected.length || !this.ended) {
      const how = this.error ? `then the connection broke (${this.error.code ?? this.error.message})` : 'then the end of the connection';
      fail({ message: `the connection ended before all of ${what} arrived`, expected: `${expected.length.toLocaleString('en')} bytes, then the end`, actual: `${got}, ${how}`, hint });
    }
  }
}

/** Connects a BulkClient to 127.0.0.1:port; it reads nothing until `readExactlyThenEnd`. */
export async function connectBulk(port: number, other: string): Promise<BulkClient> {
  const socket = net.connect(port, HOST);
  const client = new BulkClient(socket);
  await within(Promise.race([once(socket, 'connect'), once(socket, 'error').then(([e]) => Promise.reject(e))]), `${other} to accept the connection`);
  return client;
}
