// Every UDP socket a check opens or binds, closed after each check, and every socket the learner's
// code starts using, watched (leftovers.ts tells whether the learner closed it). A learner's own
// client sockets are NOT closed by the harness: its retry timer may still fire and would crash on
// a socket closed under it, blaming a later check for this one's failure. They end with the worker.
import dgram from 'node:dgram';
import { EventEmitter, once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { markUdp } from './timeline-udp.ts';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

/** Sockets the harness made (test clients, servers, proxies) or bound (the learner's servers). */
export const ownUdp = new Set<dgram.Socket>();
/** Sockets the learner's code bound, explicitly or by a first send()/connect(). */
export const learnerUdp = new Set<dgram.Socket>();
/** Emits 'change' whenever a learner socket starts or closes: waits re-check on it. */
export const udpChanges = new EventEmitter();

const ours = new WeakSet<dgram.Socket>();

/**
 * The largest datagram a socket with default settings may send on this system. Linux allows the
 * IPv4 maximum, 65,507 bytes (65,535 minus the 20-byte IP and 8-byte UDP headers); macOS limits
 * a UDP socket's send buffer, and so each datagram, to 9,216 bytes (net.inet.udp.maxdgram).
 */
export const DEFAULT_MAX_DATAGRAM = process.platform === 'darwin' ? 9216 : 65_507;

/** The IPv4 maximum, which the harness's own sockets can always send (see ownSocket). */
export const MAX_IPV4_DATAGRAM = 65_507;

/** A udp4 socket of the harness's own: tracked, never mistaken for the learner's. */
export function ownSocket(): dgram.Socket {
  // Big enough for a 65,507-byte datagram on every system (macOS defaults to 9,216 bytes).
  const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: process.platform === 'darwin' ? 65_536 : undefined });
  ours.add(socket);
  markUdp(socket, 'check');
  ownUdp.add(socket);
  socket.once('close', () => ownUdp.delete(socket));
  // A check's socket may get ECONNREFUSED (ICMP) errors; the owner reads them where it cares.
  socket.on('error', () => {});
  return socket;
}

// A socket only holds a port once it is bound, and send() and connect() bind an unbound socket
// by calling this.bind(): wrapping the prototype's bind sees every socket the learner's code
// starts using, however it imported dgram. The original is kept on the wrapper, so a second
// copy of this module (another test file in the same worker) wraps the original, not a wrapper.
type Bind = typeof dgram.Socket.prototype.bind & { netlingsOriginal?: typeof dgram.Socket.prototype.bind };
const current = dgram.Socket.prototype.bind as Bind;
const originalBind = current.netlingsOriginal ?? current;
const trackingBind = function (this: dgram.Socket, ...args: unknown[]) {
  if (!ours.has(this) && !learnerUdp.has(this)) {
    learnerUdp.add(this);
    udpChanges.emit('change');
    this.once('close', () => {
      learnerUdp.delete(this);
      udpChanges.emit('change');
    });
  }
  return (originalBind as (...a: unknown[]) => dgram.Socket).apply(this, args);
} as Bind;
trackingBind.netlingsOriginal = originalBind;
dgram.Socket.prototype.bind = trackingBind;

/**
 * When the learner's code called send(), in performance.now() milliseconds, every call in order.
 * Taken in the sender's own thread, at the call: unlike arrival times at a test server, a busy
 * event loop can only make these gaps longer, never shorter, so timing checks can be tight.
 */
export const learnerSendTimes: number[] = [];

type Send = typeof dgram.Socket.prototype.send & { netlingsOriginal?: typeof dgram.Socket.prototype.send };
const currentSend = dgram.Socket.prototype.send as Send;
const originalSend = currentSend.netlingsOriginal ?? currentSend;
/** A send on a socket that is not bound yet is queued by Node and comes back through here once it is. */
const isBound = (socket: dgram.Socket) => {
  try {
    socket.address();
    return true;
  } catch {
    return false;
  }
};
const trackingSend = function (this: dgram.Socket, ...args: unknown[]) {
  // Counted once, when it really goes out: an unbound socket's first send would otherwise count
  // twice (the call, then Node's queued re-call after the implicit bind), "0 ms apart".
  if (!ours.has(this) && isBound(this)) learnerSendTimes.push(performance.now());
  return (originalSend as (...a: unknown[]) => void).apply(this, args);
} as Send;
trackingSend.netlingsOriginal = originalSend;
dgram.Socket.prototype.send = trackingSend;


/** An own socket that outlives a check (a server for a whole test file); its owner closes it. */
export function lastingOwnSocket(): dgram.Socket {
  const socket = dgram.createSocket('udp4');
  ours.add(socket);
  markUdp(socket, 'check');
  socket.on('error', () => {});
  return socket;
}

function closeQuietly(socket: dgram.Socket): Promise<void> {
  const closed = once(socket, 'close').then(() => undefined);
  try {
    socket.close();
  } catch {
    return Promise.resolve(); // already closed
  }
  return closed;
}

/** Closes `socket` after the check, like the harness's own (a learner's server it bound). */
export function closeAfterCheck(socket: dgram.Socket): void {
  ownUdp.add(socket);
  socket.once('close', () => ownUdp.delete(socket));
}

/** Closes every UDP socket the harness opened or bound (run after each check). */
export async function closeUdpSockets(): Promise<void> {
  const all = [...ownUdp];
  ownUdp.clear();
  await Promise.all(all.map(closeQuietly));
}

onCheckEnd(AFTER_CHECK.udpSockets, closeUdpSockets);
