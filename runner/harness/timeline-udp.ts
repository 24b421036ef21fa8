// Puts every UDP datagram on the wire timeline (timeline.ts): each send() and each 'message' of
// any dgram socket, however dgram was imported, without adding a listener. Imported by every
// harness module that deals in UDP, so a lesson's test gets it whichever of them it uses.
// Installed once per worker (the first copy of this module: another test file in the same
// worker loads another copy); the wrappers record into the timeline's shared store.
import dgram from 'node:dgram';
import { claimUdpRecording, head, push, store, type Side } from './timeline.ts';

/** Marks a UDP socket as the check's, or as one not to record (a proxy's: notes say what it did). */
export function markUdp(socket: dgram.Socket, role: 'check' | 'quiet'): dgram.Socket {
  store.udpRoles.set(socket, role);
  return socket;
}

/**
 * Records a datagram `socket` is sending: `args` are send()'s arguments. Sockets not marked
 * are the learner's.
 */
export function recordSend(socket: dgram.Socket, args: unknown[]): void {
  if (store.mode === 'off') return;
  const role = store.udpRoles.get(socket);
  if (role === 'quiet') return;
  try {
    socket.address();
  } catch {
    return; // not bound yet: dgram binds it, queues this send and calls send() again
  }
  // send(msg[, offset, length][, port][, address][, callback]): the port is the number after
  // the message (one number), or after offset and length (three); none: a connected socket.
  let numbers = 0;
  while (typeof args[1 + numbers] === 'number') numbers++;
  let to: number | undefined = numbers === 1 ? (args[1] as number) : numbers === 3 ? (args[3] as number) : undefined;
  if (to === undefined) {
    try {
      to = socket.remoteAddress().port;
    } catch {
      to = undefined;
    }
  }
  recordDatagram(role ?? 'learner', 'send', socket, args[0], to);
}

/** Records a datagram `socket` received from `rinfo`. */
export function recordMessage(socket: dgram.Socket, data: unknown, rinfo: { port?: number } | undefined): void {
  if (store.mode === 'off') return;
  const role = store.udpRoles.get(socket);
  if (role !== 'quiet') recordDatagram(role ?? 'learner', 'recv', socket, data, rinfo?.port);
}

/** UDP: a datagram a socket sent (`to`: the port it went to) or received (`from`). */
function recordDatagram(side: Side, kind: 'send' | 'recv', socket: dgram.Socket, chunk: unknown, other: number | undefined): void {
  let own: number | undefined;
  try {
    own = socket.address().port;
  } catch {
    own = undefined; // not bound yet: send() binds it
  }
  const data = Array.isArray(chunk) ? Buffer.concat(chunk.map((c) => (typeof c === 'string' ? Buffer.from(c) : (c as Uint8Array)))) : chunk;
  push({ side, kind, ...head(data), from: kind === 'send' ? own : other, to: kind === 'send' ? other : own });
}


if (claimUdpRecording()) {
  const originalSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    recordSend(this, args);
    return (originalSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof originalSend;
  const originalEmit = dgram.Socket.prototype.emit;
  dgram.Socket.prototype.emit = function (this: dgram.Socket, event: string | symbol, ...args: unknown[]) {
    if (event === 'message') recordMessage(this, args[0], args[1] as { port?: number });
    return (originalEmit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof originalEmit;
}
