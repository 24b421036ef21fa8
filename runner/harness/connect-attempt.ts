// A connection attempt whose failure is an answer, not an error: for checks about when a server
// accepts and when it refuses (a stopped server must refuse at once).
import net from 'node:net';
import { HOST } from './net.ts';
import { Peer } from './peer.ts';
import { within } from './wait.ts';

export type ConnectAttempt = { peer: Peer; error?: undefined } | { peer?: undefined; error: NodeJS.ErrnoException };

/**
 * Connects to 127.0.0.1:port and reports how it went: connected (a tracked Peer) or the error,
 * such as ECONNREFUSED. The connection starts at once, before this function returns a promise.
 */
export function attemptConnect(port: number, other: string): Promise<ConnectAttempt> {
  const socket = net.connect(port, HOST);
  const peer = new Peer(socket, other);
  // Not events.once: once(socket, 'connect') would reject on 'error', the answer we want.
  const outcome = new Promise<ConnectAttempt>((resolve) => {
    socket.once('connect', () => resolve({ peer }));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ error }));
  });
  return within(outcome, `the connection to ${other} to be accepted or refused`);
}
