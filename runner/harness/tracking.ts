// Every socket and server a check opens, and closing them all after the check.
import { EventEmitter, once } from 'node:events';
import type net from 'node:net';
import { clearTimeout, setTimeout } from './clock.ts';
import { fail } from './failure.ts';
import { recordSocket } from './timeline.ts';
import { until, within } from './wait.ts';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

/** How long clean-up lets connections end by themselves before destroying them. */
const GRACE_MS = 1000;

/** A set of sockets whose every member is recorded on the wire timeline (timeline.ts). */
class RecordedSockets extends Set<net.Socket> {
  constructor(private readonly side: 'check' | 'learner') {
    super();
  }
  override add(socket: net.Socket): this {
    recordSocket(socket, this.side);
    return super.add(socket);
  }
}

/** Sockets the checks opened (or accepted, as a test server). */
export const openSockets: Set<net.Socket> = new RecordedSockets('check');
export const openServers = new Set<net.Server>();
/** Connections accepted by the learner's servers, to tell whether they close them. */
export const learnerSockets: Set<net.Socket> = new RecordedSockets('learner');
/** Errors emitted by those connections during the current check. */
const learnerErrors: NodeJS.ErrnoException[] = [];
const learnerChanges = new EventEmitter();

/**
 * Turns off Nagle's algorithm on a connection the learner's server accepted. With it, a reply
 * written right after another waits for the check's ACK, which Linux delays by up to 40 ms: a
 * check of many small replies took ~50 ms instead of ~4. When segments leave is in no lesson's
 * contract (the bytes and their order are the same); only the checks' waiting changes.
 */
export function sendAtOnce(socket: net.Socket): void {
  try {
    socket.setNoDelay(true);
  } catch {
    // A socket the learner's code already destroyed or replaced: nothing to speed up.
  }
}

/**
 * Tracks a connection the learner's server accepted: whether it is still open, and the errors it
 * emits. Errors are observed by wrapping emit(), not by listening: an 'error' listener would stop
 * an unhandled error from crashing, which is exactly what a check must be able to see.
 */
export function trackLearnerSocket(socket: net.Socket): void {
  learnerSockets.add(socket);
  sendAtOnce(socket);
  const emit = socket.emit;
  socket.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
    if (event === 'error') learnerErrors.push(args[0] as NodeJS.ErrnoException);
    return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof socket.emit;
  socket.once('close', () => {
    learnerSockets.delete(socket);
    learnerChanges.emit('change');
  });
}

/** The errors the learner's accepted connections emitted in this check (handled or not). */
export function learnerSocketErrors(): readonly NodeJS.ErrnoException[] {
  return learnerErrors;
}

/**
 * Waits until every connection the learner's server accepted has closed: by then it has handled
 * every byte it received, so a check can tell what it did with them (e.g. wrote after end()).
 */
export function learnerConnectionsClosed(waitingFor: string, hint: string): Promise<true> {
  return until(
    (notify) => {
      learnerChanges.on('change', notify);
      return () => learnerChanges.off('change', notify);
    },
    () => (learnerSockets.size === 0 ? true : undefined),
    waitingFor,
    { hint },
  );
}
/**
 * Our sockets that clean-up destroys at once instead of ending: a test TLS server's handshakes
 * still in progress. When a client gives up mid-handshake, Node's TLS server does not read its
 * FIN (the socket stays in CLOSE-WAIT), so waiting for it to close would only cost the grace.
 */
export const abandonedSockets = new Set<net.Socket>();

const isOpen = (s: net.Socket) => !s.closed && !s.destroyed;
let leakReported = false;

/**
 * Closes everything a check opened (run after each check). Our sockets end gracefully first:
 * destroying one while the other side still writes makes the kernel answer with a reset, and
 * the learner's code would be blamed for our clean-up. A connection the learner's server still
 * holds open once every client has gone is reported as a leak, then destroyed.
 */
export async function closeEverything(): Promise<void> {
  for (const socket of abandonedSockets) socket.destroy();
  abandonedSockets.clear();
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
  learnerErrors.length = 0;
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

onCheckEnd(AFTER_CHECK.sockets, closeEverything);
