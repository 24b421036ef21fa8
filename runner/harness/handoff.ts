// Handing sockets to another process (lesson 03, task 3): a worker forked for the check, a
// listen() for servers that give their connections away, and a clean-up that leaves no process
// behind. The worker (handoff-worker.js) reports every socket it receives.
//
// Order matters at clean-up: a server that handed sockets to a worker asks that worker, on
// close(), whether its sockets are closed; if the worker is already dead, close() never
// finishes. So servers are closed first, then workers are killed (which answers the question).
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, show } from './failure.ts';
import { HOST } from './net.ts';
import { openServers } from './tracking.ts';
import { until, within } from './wait.ts';

const WORKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'handoff-worker.js');

interface Worker {
  child: ChildProcess;
  exited: Promise<unknown>;
}
const workers = new Set<Worker>();
const handoffServers = new Set<net.Server>();

export interface HandoffWorker {
  /** The process to hand to the learner's code. */
  readonly child: ChildProcess;
  /** Client ports of the sockets the worker received, in order. */
  readonly received: number[];
  /** Messages the worker could not use (not 'socket', or without a socket). */
  readonly unexpected: string[];
  /** Waits until the worker has received the socket of the client on `port`. */
  receivedFrom(port: number, waitingFor: string, hint: string): Promise<void>;
}

/** Forks a worker for this check and waits until it is ready for sockets. */
export async function startWorker(): Promise<HandoffWorker> {
  // execArgv: [] — the worker is plain JavaScript; no loader flags from the test process.
  const child = fork(WORKER_SCRIPT, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json' });
  const worker: Worker = { child, exited: once(child, 'exit').catch(() => {}) };
  workers.add(worker);
  const changes = new EventEmitter();
  const received: number[] = [];
  const unexpected: string[] = [];
  let ready = false;
  child.on('message', (msg: { type: string; port?: number; message?: string; socket?: boolean }) => {
    if (msg.type === 'ready') ready = true;
    if (msg.type === 'received' && msg.port !== undefined) received.push(msg.port);
    if (msg.type === 'unexpected') unexpected.push(`${show(String(msg.message))}${msg.socket ? '' : ' without a socket'}`);
    changes.emit('change');
  });
  child.on('error', () => changes.emit('change'));
  const subscribe = (notify: () => void) => {
    changes.on('change', notify);
    return () => changes.off('change', notify);
  };
  await until(subscribe, () => (ready ? true : undefined), 'the worker process to start');
  return {
    child,
    received,
    unexpected,
    async receivedFrom(port, waitingFor, hint) {
      await until(subscribe, () => (received.includes(port) ? true : undefined), waitingFor, {
        hint,
        detail: () => (unexpected.length ? `the worker got ${unexpected.join(', ')} instead of the message 'socket' with a socket` : `the worker received ${received.length} socket(s) so far`),
      });
    },
  };
}

/**
 * Listens a learner's server that gives its connections away: like `listen()`, but its sockets
 * are not tracked as the server's own (once sent, a socket belongs to the worker; the copy left
 * here never closes, and that is no leak).
 */
export async function listenHandoff(server: unknown, what: string): Promise<number> {
  if (!(server instanceof net.Server)) {
    fail({ message: `${what} should return a net.Server`, expected: 'a server made with net.createServer(...)', actual: server === undefined ? 'undefined (did you forget to return it?)' : show(String(server)), hint: 'Return the server object itself, without calling listen() on it.' });
  }
  if (server.listening) fail({ message: `${what} returned a server that is already listening`, hint: 'Return the server without calling listen(): the checks choose the address.' });
  openServers.add(server);
  handoffServers.add(server);
  server.listen(0, HOST);
  await within(Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]), `${what} to start listening`);
  return (server.address() as net.AddressInfo).port;
}

/** After each check: close the handoff servers, then end every worker (see the top). */
export async function closeWorkers(): Promise<void> {
  for (const server of handoffServers) if (server.listening) server.close();
  handoffServers.clear();
  const all = [...workers];
  workers.clear();
  for (const w of all) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(all.map((w) => w.exited));
}
