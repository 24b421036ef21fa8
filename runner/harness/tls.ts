// TLS peers for the checks: a client that talks to the learner's TLS server, and a test server
// for the learner's TLS client. Both are tracked like plain sockets (tracking.ts) and every wait
// has a deadline. Under TLS 1.3 a server refuses a client certificate only after the client's
// handshake has finished, so "refused" means: no data, then the connection closes.
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { fail, show } from './failure.ts';
import { HOST } from './net.ts';
import { Peer } from './peer.ts';
import { recordServer } from './timeline.ts';
import { abandonedSockets, openServers } from './tracking.ts';
import { until, within } from './wait.ts';

/** One side of a TLS connection as a check sees it; `reset()` resets the TCP connection below. */
export class TlsPeer extends Peer {
  /** The client's handshake completed ('secureConnect'); unused on the server side. */
  secured = false;

  constructor(
    readonly tlsSocket: tls.TLSSocket,
    private readonly raw: net.Socket,
    other: string,
  ) {
    super(tlsSocket, other);
    tlsSocket.once('secureConnect', () => {
      this.secured = true;
      this.emit('change');
    });
  }

  /** A TLSSocket cannot be reset itself (its handle is the TLS layer): reset the TCP socket. */
  override reset(): void {
    this.raw.resetAndDestroy();
  }

  /**
   * Breaks the TLS stream: writes a record that does not decrypt straight onto the TCP socket
   * below, so the other side's TLS fails (bad record MAC) after what it already received. A
   * reset cannot show that: Node's TLS reports a reset after data as an orderly 'end'.
   */
  corrupt(): void {
    this.raw.write(Buffer.from([0x17, 0x03, 0x03, 0x00, 0x05, 1, 2, 3, 4, 5]));
  }

  private onChange = (notify: () => void) => {
    this.on('change', notify);
    return () => this.off('change', notify);
  };

  /**
   * Waits for the client's handshake; fails with the TLS error if it fails instead. `hint` may
   * pick a hint from the error code ('' when the connection closed without one).
   */
  async expectSecure(what: string, hint: string | ((code: string) => string)): Promise<void> {
    const pick = (code: string) => (typeof hint === 'string' ? hint : hint(code));
    await until(this.onChange, () => (this.secured || this.error || this.closed ? true : undefined), what, { hint: pick('') });
    if (this.secured) return;
    const code = this.error?.code ?? '';
    const reason = this.error ? `${code ? `${code}: ` : ''}${this.error.message}` : 'the connection closed';
    fail({ message: `the TLS handshake with ${this.other} failed (${code || reason})`, expected: 'a completed handshake', actual: reason, hint: pick(code) });
  }

  /**
   * Waits until the connection closes, failing if any data arrives first: for a client the
   * server must refuse. Under TLS 1.3 such a client first completes its handshake, then is dropped.
   */
  async expectRefused(what: string, hint: string | ((received: string) => string)): Promise<void> {
    const pick = (received: string) => (typeof hint === 'string' ? hint : hint(received));
    const result = await until(this.onChange, () => (this.unread.length ? ('data' as const) : this.closed ? ('closed' as const) : undefined), what, {
      hint: pick(''),
      detail: () => 'the connection stayed open and nothing arrived',
    });
    if (result === 'data') {
      const received = this.unread.toString('utf8');
      fail({ message: `${this.other} answered a client it should have refused`, expected: 'no data, and the connection closed', actual: `received ${show(received)}`, hint: pick(received) });
    }
  }
}

/** Opens a TLS connection to the learner's server on 127.0.0.1:port; does not wait. */
export function tlsConnect(port: number, options: tls.ConnectionOptions, other = 'your server'): TlsPeer {
  const raw = net.connect({ port, host: HOST, noDelay: true }); // see Peer: writes leave as written
  // `host` is the name checked against the server's certificate unless `servername` is given.
  const socket = tls.connect({ host: HOST, ...options, socket: raw });
  // An error on the TCP socket reaches the TLS socket, whose Peer records it.
  raw.on('error', (err) => socket.destroy(err));
  return new TlsPeer(socket, raw, other);
}

/**
 * A TLS test server on 127.0.0.1:0 (or `where.host`, e.g. ::1) for checking a learner's client. Each completed handshake
 * becomes a TlsPeer, passed to `onConnection` and kept for `nextConnection()`. Handshakes the
 * client aborts (it refused our certificate) are kept in `clientErrors`.
 */
export async function tlsServe(options: tls.TlsOptions, onConnection?: (peer: TlsPeer) => void, where: { host?: string } = {}) {
  const accepted: TlsPeer[] = [];
  const clientErrors: Error[] = [];
  const events = new EventEmitter();
  const raws = new Map<number | undefined, net.Socket>();
  const server = tls.createServer(options);
  server.on('connection', (raw: net.Socket) => {
    // Until its handshake completes, only the TCP socket exists: destroyed after the check.
    abandonedSockets.add(raw);
    raws.set(raw.remotePort, raw);
    raw.once('close', () => abandonedSockets.delete(raw));
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    const raw = raws.get(socket.remotePort) ?? socket;
    abandonedSockets.delete(raw); // from now on the TlsPeer ends it gracefully
    const peer = new TlsPeer(socket, raw, 'your client');
    accepted.push(peer);
    onConnection?.(peer);
    events.emit('change');
  });
  server.on('tlsClientError', (err: Error) => {
    clientErrors.push(err);
    events.emit('change');
  });
  openServers.add(server);
  recordServer(server, 'check');
  server.listen(0, where.host ?? HOST);
  // Rejects when it cannot listen there (no IPv6 loopback): the check then skips with a note.
  await within(Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]), 'the test TLS server to start listening');
  let taken = 0;
  return {
    port: (server.address() as net.AddressInfo).port,
    server,
    clientErrors,
    /** The next connection of your client whose handshake completed. */
    nextConnection(waitingFor: string, hint: string): Promise<TlsPeer> {
      return until(
        (notify) => {
          events.on('change', notify);
          return () => events.off('change', notify);
        },
        () => (accepted.length > taken ? accepted[taken++] : undefined),
        waitingFor,
        { hint, detail: () => (clientErrors.length ? `the handshake failed on the server's side: ${clientErrors.map((e) => (e as NodeJS.ErrnoException).code ?? e.message).join(', ')}` : undefined) },
      );
    },
  };
}
