// Every socket and server a check opens, and closing them all after the check.
import { once } from 'node:events';
import type net from 'node:net';
import { clearTimeout, setTimeout } from './clock.ts';
import { fail } from './failure.ts';
import { within } from './wait.ts';

/** How long clean-up lets connections end by themselves before destroying them. */
const GRACE_MS = 1000;
export const openSockets = new Set<net.Socket>();
export const openServers = new Set<net.Server>();
/** Connections accepted by the learner's servers, to tell whether they close them. */
export const learnerSockets = new Set<net.Socket>();

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

