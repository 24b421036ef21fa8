// UDP for the checks: binding the learner's socket, test servers that record what arrives (and
// when), and a port where nothing listens. 127.0.0.1 and port 0 only; everything is closed after
// each check (udp-tracking.ts).
import dgram from 'node:dgram';
import { EventEmitter, once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fail, show } from './failure.ts';
import { UDP_HOST } from './udp-peer.ts';
import { closeAfterCheck, ownSocket } from './udp-tracking.ts';
import { until, within, type WaitOptions } from './wait.ts';

/** A datagram as a check saw it arrive. */
export interface Datagram {
  data: Buffer;
  from: { address: string; port: number };
  /** performance.now() on arrival: for the order of events and lower bounds, never exact durations. */
  at: number;
}

/** Binds a learner's dgram socket to 127.0.0.1 with a port the system picks; returns the port. */
export async function bindLearnerSocket(socket: unknown, what: string): Promise<number> {
  if (!(socket instanceof dgram.Socket)) {
    fail({
      message: `${what} should return a dgram socket`,
      expected: "a socket made with dgram.createSocket('udp4')",
      actual: socket === undefined ? 'undefined (did you forget to return it?)' : show(String(socket)),
      hint: "Return the socket itself, without calling bind() on it: return dgram.createSocket('udp4', ...)",
    });
  }
  const type = (socket as dgram.Socket & { type?: string }).type;
  if (type !== undefined && type !== 'udp4') {
    fail({ message: `${what} returned a ${type} socket`, expected: "a udp4 socket: dgram.createSocket('udp4')", actual: `a ${type} socket`, hint: "Create it with dgram.createSocket('udp4'): the checks talk to it over IPv4 (127.0.0.1)." });
  }
  closeAfterCheck(socket);
  try {
    socket.bind(0, UDP_HOST);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail({
      message: `${what} returned a socket that cannot be bound (${code ?? (err as Error).message})`,
      actual: code === 'ERR_SOCKET_ALREADY_BOUND' ? 'the socket was already bound: your code called bind() on it' : 'bind() threw',
      hint: 'Return the socket without calling bind(), send() or close() on it: the checks bind it to an address they choose.',
    });
  }
  await within(Promise.race([once(socket, 'listening'), once(socket, 'error').then(([e]) => Promise.reject(e))]), `${what} to be bound to 127.0.0.1`);
  return socket.address().port;
}

/**
 * A test UDP server on 127.0.0.1:0 (or `host`:0) that records every datagram. `onDatagram` may answer with
 * `reply(data)` (sent back to the datagram's sender from this socket) or stay silent.
 */
export async function udpServer(onDatagram?: (datagram: Datagram, reply: (data: Buffer | string, to?: Datagram['from']) => Promise<void>) => void, host = UDP_HOST) {
  const socket = ownSocket();
  const received: Datagram[] = [];
  const changes = new EventEmitter();
  const reply = (from: Datagram['from']) => (data: Buffer | string, to = from) =>
    new Promise<void>((resolve) => socket.send(data, to.port, to.address, () => resolve()));
  socket.on('message', (data: Buffer, rinfo: dgram.RemoteInfo) => {
    const datagram = { data, from: { address: rinfo.address, port: rinfo.port }, at: performance.now() };
    received.push(datagram);
    changes.emit('change');
    onDatagram?.(datagram, reply(datagram.from));
  });
  socket.bind(0, host);
  await within(once(socket, 'listening'), `a test UDP server to start on ${host}`);
  return {
    port: socket.address().port,
    /** Every datagram that arrived, in order. */
    received,
    /** Sends a datagram from this (unconnected) socket to 127.0.0.1:`port`. */
    send(data: Buffer | string, port: number): Promise<void> {
      return new Promise((resolve, reject) => socket.send(data, port, UDP_HOST, (err) => (err ? reject(err) : resolve())));
    },
    /**
     * Waits until at least `count` datagrams have arrived; returns them all. `endedBy`: a promise
     * whose settling ends the wait early (the code that sends them has given up): then fewer.
     */
    waitFor(count: number, what: string, hint: string, options: WaitOptions & { endedBy?: Promise<unknown> } = {}): Promise<Datagram[]> {
      const { endedBy, ...rest } = options;
      let ended = false;
      void endedBy?.then(
        () => ((ended = true), changes.emit('change')),
        () => ((ended = true), changes.emit('change')),
      );
      return until(
        (notify) => {
          changes.on('change', notify);
          return () => changes.off('change', notify);
        },
        () => (received.length >= count || ended ? received : undefined),
        what,
        { hint, detail: () => `${received.length} datagram(s) arrived`, ...rest },
      );
    },
  };
}

/** A UDP port on 127.0.0.1 where nothing listens (it was just released): for ECONNREFUSED. */
export async function closedUdpPort(): Promise<number> {
  const socket = ownSocket();
  socket.bind(0, UDP_HOST);
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  await once(socket, 'close');
  return port;
}
