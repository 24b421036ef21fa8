// Handing sockets to another process (lesson 03, task 3): a worker forked for the check, a
// listen() for servers that give their connections away, and a clean-up that leaves no process
// behind. The worker (handoff-worker.js) reports every socket it receives.
//
// Order matters at clean-up: a server that handed sockets to a worker asks that worker, on
// close(), whether its sockets are closed; if the worker is already dead, close() never
// finishes. So servers are closed after each check, and the worker only after the test file.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, show } from './failure.ts';
import { HOST } from './net.ts';
import { openServers } from './tracking.ts';
import { until, within } from './wait.ts';
import { AFTER_CHECK, onCheckEnd, onFileEnd } from './lifecycle.ts';

const WORKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'handoff-worker.js');

/** One worker per test file, started on first use: forking a process costs more than a check. */
let shared: Promise<SharedWorker> | undefined;
const handoffServers = new Set<net.Server>();

interface SharedWorker {
  child: ChildProcess;
  exited: Promise<unknown>;
  changes: EventEmitter;
}

export interface HandoffWorker {
  /** The process to hand to the learner's code. */
  readonly child: ChildProcess;
  /** Client ports of the sockets the worker received during this check, in order. */
  readonly received: number[];
  /** Messages the worker could not use (not 'socket', or without a socket), this check. */
  readonly unexpected: string[];
  /** Waits until the worker has received the socket of the client on `port`. */
  receivedFrom(port: number, waitingFor: string, hint: string): Promise<void>;
}

function forkWorker(): Promise<SharedWorker> {
  // execArgv: [] — the worker is plain JavaScript; no loader flags from the test process.
  const child = fork(WORKER_SCRIPT, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json' });
  const worker: SharedWorker = { child, exited: once(child, 'exit').catch(() => {}), changes: new EventEmitter() };
  child.on('message', (msg: unknown) => worker.changes.emit('message', msg));
  child.on('error', () => worker.changes.emit('message', { type: 'failed' }));
  const ready = new Promise<SharedWorker>((resolve) => {
    const onMessage = (msg: { type?: string }) => {
      if (msg?.type !== 'ready') return;
      worker.changes.off('message', onMessage);
      resolve(worker);
    };
    worker.changes.on('message', onMessage);
  });
  return within(ready, 'the worker process to start');
}

/** The worker for this check (forked on first use in the test file), ready for sockets. */
export async function startWorker(): Promise<HandoffWorker> {
  let worker = await (shared ??= forkWorker());
  if (!worker.child.connected) worker = await (shared = forkWorker()); // an earlier check's code ended it
  const received: number[] = [];
  const unexpected: string[] = [];
  const changes = new EventEmitter();
  const onMessage = (msg: { type: string; port?: number; message?: string; socket?: boolean }) => {
    if (msg.type === 'received' && msg.port !== undefined) received.push(msg.port);
    if (msg.type === 'unexpected') unexpected.push(`${show(String(msg.message))}${msg.socket ? '' : ' without a socket'}`);
    changes.emit('change');
  };
  worker.changes.on('message', onMessage);
  listeners.add(() => worker.changes.off('message', onMessage));
  const subscribe = (notify: () => void) => {
    changes.on('change', notify);
    return () => changes.off('change', notify);
  };
  return {
    child: worker.child,
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

/** Per-check listeners on the shared worker, removed after the check. */
const listeners = new Set<() => void>();

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

/**
 * After each check: close the servers that handed sockets over (see the top; not awaited, as
 * their close() completes when the worker's copies close) and forget the check's listeners.
 */
export function closeHandoffServers(): void {
  for (const server of handoffServers) if (server.listening) server.close();
  handoffServers.clear();
  for (const off of listeners) off();
  listeners.clear();
}

/** After the test file: end the worker; nothing it started may outlive the file. */
export async function closeWorker(): Promise<void> {
  const worker = await shared?.catch(() => undefined);
  shared = undefined;
  if (!worker) return;
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await worker.exited;
}

// Before the leak check in tracking.ts, which would wait for these servers.
onCheckEnd(AFTER_CHECK.handoff, closeHandoffServers);
onFileEnd(10, closeWorker);
