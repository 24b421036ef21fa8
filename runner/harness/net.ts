// Real loopback sockets for the checks: 127.0.0.1 and port 0 only, every socket and server
// tracked and closed after each check, every wait with a deadline.
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { fail, firstDifference, show } from './failure.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { until, within, type WaitOptions } from './wait.ts';

export const HOST = '127.0.0.1';
/** How long clean-up lets connections end by themselves before destroying them. */
const GRACE_MS = 1000;

const openSockets = new Set<net.Socket>();
const openServers = new Set<net.Server>();
/** Connections accepted by the learner's servers, to tell whether they close them. */
const learnerSockets = new Set<net.Socket>();

const isOpen = (s: net.Socket) => !s.closed && !s.destroyed;
let leakReported = false;

/**
 * Closes everything a check opened (run after each check). Our sockets end gracefully first:
 * destroying one while the other side still writes makes the kernel answer with a reset, and
 * the learner's code would be blamed for our clean-up. A connection the learner's server still
 * holds open once every client has gone is reported as a leak, then destroyed.
 */
export async function closeEverything(): Promise<void> {
  const ours = [...openSockets];
  openSockets.clear();
  for (const socket of ours) socket.end();
  const all = [...ours, ...learnerSockets];
  const waiting = all.filter(isOpen).map((s) => once(s, 'close').catch(() => {}));
  let timer: NodeJS.Timeout | undefined;
  // Once a leak has been reported in this file, later checks need not wait the full grace.
  const grace = leakReported ? 200 : GRACE_MS;
  await Promise.race([Promise.all(waiting), new Promise((resolve) => (timer = setTimeout(resolve, grace)))]);
  clearTimeout(timer);
  const leaked = [...learnerSockets].filter(isOpen);
  for (const socket of [...ours, ...learnerSockets]) socket.destroy();
  learnerSockets.clear();
  const servers = [...openServers];
  openServers.clear();
  await Promise.all(servers.map((server) => new Promise((resolve) => (server.listening ? server.close(resolve) : resolve(undefined)))));
  if (leaked.length) {
    leakReported = true;
    fail({
      kind: 'leak',
      message: `your server kept ${leaked.length} connection(s) open after the client had ended its side and left`,
      expected: 'every connection closed once its client is done',
      actual: `${leaked.length} still open after the client left`,
      hint: "End your side when the client ends: keep the default allowHalfOpen: false, or call socket.end() on 'end'.",
    });
  }
}

/**
 * Closes a server and waits for it, with a deadline. `server.close()` only completes once every
 * connection it accepted has ended, so a timeout here means connections were left open.
 */
export async function closeServer(server: net.Server, what: string): Promise<void> {
  openServers.delete(server);
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await within(closed, `${what} to close`, {
    hint: 'server.close() waits for every open connection to end. End (or destroy) each connection when its client leaves.',
  });
}

/** Listens `server` on 127.0.0.1 with a port the system picks; returns that port. */
export async function listen(server: unknown, what: string): Promise<number> {
  if (!(server instanceof net.Server)) {
    fail({
      message: `${what} should return a net.Server`,
      expected: 'a server made with net.createServer(...)',
      actual: server === undefined ? 'undefined (did you forget to return it?)' : show(String(server)),
      hint: 'Return the server object itself, without calling listen() on it.',
    });
  }
  if (server.listening) {
    fail({ message: `${what} returned a server that is already listening`, hint: 'Return the server without calling listen(): the checks choose the address.' });
  }
  openServers.add(server);
  server.on('connection', (socket: net.Socket) => {
    learnerSockets.add(socket);
    socket.once('close', () => learnerSockets.delete(socket));
  });
  server.listen(0, HOST);
  await within(Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]), `${what} to start listening`);
  return (server.address() as net.AddressInfo).port;
}

/**
 * One side of a TCP conversation as a check sees it: everything received is kept, and the check
 * reads it in order (`expectNext`), never assuming how the bytes were split into chunks.
 */
export class Peer extends EventEmitter {
  private received = Buffer.alloc(0);
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
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
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

  /** All text received so far (UTF-8). */
  text(): string {
    return this.received.toString('utf8');
  }

  /** Bytes received and not yet consumed by expectNext. */
  get unread(): Buffer {
    return this.received.subarray(this.cursor);
  }

  private state(): string {
    const got = this.unread.length ? `received ${show(this.unread.toString('utf8'))}` : 'received nothing more';
    const end = this.error ? `, then the connection failed (${this.error.code ?? this.error.message})` : this.ended ? `, then ${this.other} ended the connection` : '';
    return got + end;
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Writes `data` in pieces of `size` bytes, letting the event loop run between pieces so the
   * other side reads each piece as its own chunk (it may even split a UTF-8 character).
   */
  async writeInPieces(data: string | Buffer, size: number): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let i = 0; i < bytes.length && !this.socket.destroyed; i += size) {
      await this.write(bytes.subarray(i, i + size));
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
    this.socket.resetAndDestroy();
  }

  /**
   * Waits for `expected` to be the next bytes from the other side and consumes them.
   * Fails as soon as what arrived differs, or when the connection ends or the deadline passes first.
   */
  async expectNext(expected: string, what: string, hint: string, options: WaitOptions = {}): Promise<void> {
    const want = Buffer.from(expected, 'utf8');
    const result = await until(
      this.subscribe,
      () => {
        const have = this.unread;
        const n = Math.min(have.length, want.length);
        if (!have.subarray(0, n).equals(want.subarray(0, n))) return 'differs' as const;
        if (have.length >= want.length) return 'ok' as const;
        if (this.ended || this.closed || this.error) return 'short' as const;
        return undefined;
      },
      what,
      { hint, detail: () => this.state(), ...options },
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
      hint,
    });
  }

  /** Waits until the other side ends the connection (FIN), failing if it sends more first. */
  async expectEnd(what: string, hint: string): Promise<void> {
    await until(this.subscribe, () => (this.ended || this.closed || this.error || this.unread.length ? true : undefined), what, {
      hint,
      detail: () => this.state(),
    });
    if (this.unread.length) {
      fail({ message: `${this.other} sent more after ${what.replace(/^.*? to /, '')} should have ended it`, expected: 'the connection to end', actual: `more data: ${show(this.unread.toString('utf8'))}`, hint });
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

/** Connects to 127.0.0.1:port and waits for the handshake to complete. */
export async function connect(port: number, other: string): Promise<Peer> {
  const socket = net.connect(port, HOST);
  const peer = new Peer(socket, other);
  await within(
    Promise.race([once(socket, 'connect'), once(socket, 'error').then(([e]) => Promise.reject(e))]),
    `${other} to accept the connection`,
  );
  return peer;
}

/**
 * A test server on 127.0.0.1:0 for checking a learner's client. Each accepted connection
 * becomes a Peer, passed to `onConnection` (if given) and kept for `nextConnection()`.
 * Half-open by default: the check decides when its side ends, even after the client's FIN.
 */
export async function serve(onConnection?: (peer: Peer) => void, options: net.ServerOpts = { allowHalfOpen: true }) {
  const accepted: Peer[] = [];
  const events = new EventEmitter();
  const server = net.createServer(options, (socket) => {
    const peer = new Peer(socket, 'your client');
    accepted.push(peer);
    onConnection?.(peer);
    events.emit('change');
  });
  openServers.add(server);
  server.listen(0, HOST);
  await within(once(server, 'listening'), 'the test server to start listening');
  let taken = 0;
  return {
    port: (server.address() as net.AddressInfo).port,
    server,
    /** The next connection your client makes. */
    nextConnection(waitingFor = 'your client to connect'): Promise<Peer> {
      return until(
        (notify) => {
          events.on('change', notify);
          return () => events.off('change', notify);
        },
        () => (accepted.length > taken ? accepted[taken++] : undefined),
        waitingFor,
        { hint: 'Connect with net.connect(port, host) using the port and host you were given.' },
      );
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (it was just released), for connection errors. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
