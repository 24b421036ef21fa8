// Real loopback sockets for the checks: 127.0.0.1 and port 0 only, every socket and server
// tracked (tracking.ts) and closed after each check, every wait with a deadline.
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { fail, show } from './failure.ts';
import { Peer } from './peer.ts';
import { recordLearnerServer } from './timeline.ts';
import { openServers, trackLearnerSocket } from './tracking.ts';
import { until, within } from './wait.ts';

export { Peer } from './peer.ts';
export { closeEverything, closeServer, learnerConnectionsClosed, learnerSocketErrors } from './tracking.ts';

export const HOST = '127.0.0.1';

// Servers someone called listen() on. `server.listening` is no proof that nobody did: with a host,
// listen() first looks the address up, so the server only counts as listening a turn later (and
// our own listen() would then silently reuse the learner's address). Recording the call itself,
// for net and tls servers alike, is the one robust sign.
const listenCalled = new WeakSet<net.Server>();
const realListen = net.Server.prototype.listen;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  listenCalled.add(this);
  return (realListen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof realListen;

const where = (a: string | net.AddressInfo | null) => (a && typeof a === 'object' ? `${a.address}:${a.port}` : String(a));

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
  if (server.listening || listenCalled.has(server)) {
    // This check fails anyway; the learner's own listen() must not outlive it (or crash it later).
    server.on('error', () => {});
    if (server.listening) server.close();
    else server.once('listening', () => server.close());
    fail({
      message: `${what} returned a server that listen() was already called on`,
      expected: 'a server that is not listening yet',
      actual: server.listening ? `a server already listening on ${where(server.address())}` : 'a server on which listen() was called (it starts listening a moment later)',
      hint: 'Return the server without calling listen(): the checks choose the address and port themselves.',
    });
  }
  openServers.add(server);
  // Before the learner's own listener: a greeting written at once is on the timeline too.
  server.prependListener('connection', (socket: net.Socket) => trackLearnerSocket(socket));
  recordLearnerServer(server);
  server.listen(0, HOST);
  await within(Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]), `${what} to start listening`);
  return (server.address() as net.AddressInfo).port;
}

/**
 * Connects to 127.0.0.1:port (or `host`) and waits for the handshake to complete. With
 * `allowHalfOpen`, the check's side stays open for writing after the other side's FIN.
 */
export async function connect(port: number, other: string, options: { host?: string; allowHalfOpen?: boolean } = {}): Promise<Peer> {
  const socket = net.connect({ port, host: options.host ?? HOST, allowHalfOpen: options.allowHalfOpen ?? false });
  const peer = new Peer(socket, other);
  await within(
    Promise.race([once(socket, 'connect'), once(socket, 'error').then(([e]) => Promise.reject(e))]),
    `${other} to accept the connection`,
  ).catch((err: NodeJS.ErrnoException) => {
    if (!err?.code) throw err; // already a failure (timeout, crash)
    fail({
      message: `${other} did not accept the connection (${err.code})`,
      expected: 'a new connection, accepted',
      actual: err.message,
      hint: 'Keep the server listening while clients may still come: nothing should call server.close() because one client left or said goodbye.',
    });
  });
  return peer;
}

/**
 * A test server on 127.0.0.1:0 (or `where`: `::1`, a given port) for checking a learner's client.
 * Each accepted connection becomes a Peer, passed to `onConnection` (if given) and kept for
 * `nextConnection()`. Half-open by default: the check decides when its side ends, even after
 * the client's FIN. Rejects if it cannot listen there (e.g. no IPv6 loopback).
 */
export async function serve(onConnection?: (peer: Peer) => void, options: net.ServerOpts = { allowHalfOpen: true }, where: { host?: string; port?: number } = {}) {
  const accepted: Peer[] = [];
  const events = new EventEmitter();
  const server = net.createServer(options, (socket) => {
    const peer = new Peer(socket, 'your client');
    accepted.push(peer);
    onConnection?.(peer);
    events.emit('change');
  });
  const host = where.host ?? HOST;
  server.listen(where.port ?? 0, host);
  await within(Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]), `the test server to start listening on ${host}`);
  openServers.add(server);
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
