// A check's UDP client: CONNECTED to the learner's server, so the kernel only delivers datagrams
// that come from exactly that address and port. A reply sent from another socket (a new one made
// for replying) never arrives, and the wait for it says so.
import { once } from 'node:events';
import type dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { byteDifference, showBytes } from './bytes.ts';
import { fail } from './failure.ts';
import { ownSocket } from './udp-tracking.ts';
import { until, within, type WaitOptions } from './wait.ts';

export const UDP_HOST = '127.0.0.1';

export class UdpPeer extends EventEmitter {
  /** Every datagram received, in order. */
  readonly received: Buffer[] = [];
  private cursor = 0;
  error: NodeJS.ErrnoException | undefined;

  private constructor(
    readonly socket: dgram.Socket,
    /** Who is on the other end, for messages: "your server". */
    readonly other: string,
  ) {
    super();
    socket.on('message', (data: Buffer) => {
      this.received.push(data);
      this.emit('change');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error = err;
      this.emit('change');
    });
  }

  /** A udp4 socket on 127.0.0.1, connected to 127.0.0.1:`port`. */
  static async connect(port: number, other: string): Promise<UdpPeer> {
    const socket = ownSocket();
    const peer = new UdpPeer(socket, other);
    socket.connect(port, UDP_HOST);
    await within(once(socket, 'connect'), `a test client to connect to ${other}`);
    return peer;
  }

  /**
   * A udp4 socket bound to `localAddress` (such as 127.0.0.2, see other-loopback.ts), connected
   * to 127.0.0.1:`port`: a sender whose address is not the one the server listens on.
   */
  static async connectFrom(localAddress: string, port: number, other: string): Promise<UdpPeer> {
    const socket = ownSocket();
    const peer = new UdpPeer(socket, other);
    socket.bind(0, localAddress);
    await within(once(socket, 'listening'), `a test client to bind to ${localAddress}`);
    socket.connect(port, UDP_HOST);
    await within(once(socket, 'connect'), `a test client on ${localAddress} to connect to ${other}`);
    return peer;
  }

  /** The client's own port: where replies must go. */
  get port(): number {
    return this.socket.address().port;
  }

  /** Sends one datagram and waits until the kernel took it. */
  send(data: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(data, (err) => (err ? reject(err) : resolve())));
  }

  private subscribe = (notify: () => void) => {
    this.on('change', notify);
    return () => this.off('change', notify);
  };

  /** The next datagram not read yet; fails after the deadline, saying what it waited for. */
  async next(what: string, hint: string, options: WaitOptions = {}): Promise<Buffer> {
    const data = await until(
      this.subscribe,
      () => {
        if (this.cursor < this.received.length) return this.received[this.cursor];
        if (this.error) return null;
        return undefined;
      },
      what,
      { hint, detail: () => (this.error ? undefined : `no datagram came back from ${this.other}'s address and port`), ...options },
    );
    if (data === null) {
      fail({ message: `the test client got an error instead of ${what} (${this.error?.code ?? this.error?.message})`, actual: `${this.error?.code}: nothing listens on that port any more`, hint });
    }
    this.cursor++;
    return data;
  }

  /**
   * Waits for the next datagram and fails unless it is exactly `expected`. `hintFor` picks the
   * hint from what arrived (a split, a merge, decoded bytes…); it gets undefined on a timeout.
   */
  async expectNext(expected: Buffer, what: string, hintFor: (got: Buffer | undefined) => string, options: WaitOptions = {}): Promise<void> {
    const got = await this.next(what, hintFor(undefined), options);
    if (got.equals(expected)) return;
    const where = byteDifference(expected, got);
    fail({
      message: `${what} was not the same bytes${where ? `: ${where}` : ''}`,
      expected: showBytes(expected),
      actual: showBytes(got),
      hint: hintFor(got),
    });
  }

  /** Datagrams that arrived and were not read with next()/expectNext(). */
  get unread(): Buffer[] {
    return this.received.slice(this.cursor);
  }
}
