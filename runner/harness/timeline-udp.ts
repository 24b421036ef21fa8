// Puts every UDP datagram on the wire timeline (timeline.ts): each send() and each 'message' of
// any dgram socket, however dgram was imported, without adding a listener. Imported by every
// harness module that deals in UDP, so a lesson's test gets it whichever of them it uses.
// Installed once per worker (the first copy of this module: another test file in the same
// worker loads another copy); the wrappers record into the timeline's shared store.
import dgram from 'node:dgram';
import { claimUdpRecording, recordMessage, recordSend } from './timeline.ts';

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
