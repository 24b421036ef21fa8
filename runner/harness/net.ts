// Real loopback sockets for the checks: 127.0.0.1 and port 0 only, every socket and server
// tracked (tracking.ts) and closed after each check, every wait with a deadline.
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { fail, show } from './failure.ts';
import { Peer } from './peer.ts';
import { learnerSockets, openServers } from './tracking.ts';
import { until, within } from './wait.ts';

export { Peer } from './peer.ts';
export { closeEverything, closeServer } from './tracking.ts';

export const HOST = '127.0.0.1';

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
