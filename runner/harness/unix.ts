// Unix domain sockets for the checks: short socket paths in a private temporary folder, the
// learner's servers and our clients on those paths (tracked like their TCP twins in net.ts and
// closed after every check), and a stale socket file made the way it happens in real life.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { linkSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from './clock.ts';
import { fail, show } from './failure.ts';
import { Peer } from './peer.ts';
import { recordLearnerServer } from './timeline.ts';
import { learnerSockets, openServers } from './tracking.ts';
import { until, within, type WaitOptions } from './wait.ts';
import { AFTER_CHECK, onCheckEnd, onFileEnd } from './lifecycle.ts';

/** Windows has no socket files: a path there names a pipe (`\\?\pipe\…`). */
export const IS_WINDOWS = process.platform === 'win32';
/** Abstract socket names (`'\0name'`, no file) exist only on Linux. */
export const HAS_ABSTRACT_NAMES = process.platform === 'linux';
/** The longest socket path Linux keeps whole (sun_path holds 108 bytes with the final zero). */
export const MAX_SOCKET_PATH_BYTES = 107;

let folder: string | undefined;
let counter = 0;

/** This test file's private temporary folder, made on first use and removed after the file. */
export function socketFolder(): string {
  // A short prefix: the folder and a socket name must stay far below 107 bytes, also on macOS
  // where the temporary folder's own path is about 50 bytes long.
  folder ??= mkdtempSync(path.join(tmpdir(), 'nl-'));
  return folder;
}

/** A fresh, short socket path (a named pipe on Windows), never used before in this file. */
export function socketPath(name = 'ctl'): string {
  counter += 1;
  if (IS_WINDOWS) return `\\\\?\\pipe\\netlings-${process.pid}-${name}-${counter}`;
  return path.join(socketFolder(), `${name}-${counter}.sock`);
}

/** A fresh abstract name (Linux only): a leading zero byte, no file anywhere. */
export function abstractName(name = 'ctl'): string {
  counter += 1;
  return `\0netlings-${process.pid}-${name}-${counter}`;
}

const children = new Set<ChildProcess>();

onCheckEnd(AFTER_CHECK.children, async () => {
  // Wait for each to be gone: the runner counts any process still alive after the checks as
  // one the learner's code left behind.
  const exits = [...children].filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit'));
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
});
onFileEnd(20, () => {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
  crashed = undefined;
});

/** Tracks a process a check started: it is killed after the check, so none is left behind. */
export function trackChild(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Listens the learner's `server` on `socketPath`, tracked like `listen()` does for TCP. */
export async function listenOnPath(server: unknown, socketPath: string, what: string): Promise<void> {
  if (!(server instanceof net.Server)) {
    fail({
      message: `${what} should return a net.Server`,
      expected: 'a server made with net.createServer(...)',
      actual: server === undefined ? 'undefined (did you forget to return it?)' : show(String(server)),
      hint: 'Return the server object itself, without calling listen() on it.',
    });
  }
  if (server.listening) {
    fail({ message: `${what} returned a server that is already listening`, hint: 'Return the server without calling listen(): the checks choose the socket path.' });
  }
  trackLearnerServer(server);
  server.listen(socketPath);
  await within(Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]), `${what} to start listening on ${socketPath}`);
}

/** Closes the learner's server after the check and watches the connections it accepts. */
export function trackLearnerServer(server: net.Server): void {
  if (openServers.has(server)) return;
  openServers.add(server);
  server.prependListener('connection', (socket: net.Socket) => {
    learnerSockets.add(socket);
    socket.once('close', () => learnerSockets.delete(socket));
  });
  recordLearnerServer(server);
}

/** Connects to the Unix socket at `socketPath` and waits until the server accepted. */
export async function connectPath(socketPath: string, other: string): Promise<Peer> {
  const socket = net.connect(socketPath);
  const peer = new Peer(socket, other);
  // A connection the learner's code made impossible is a failure to explain, not a crash.
  // (Not once(socket, 'connect'): it rejects with the raw error before this can explain it.)
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', (e: NodeJS.ErrnoException) => {
      const hints: Record<string, string> = {
        EACCES: 'The socket file does not let its owner read and write: chmod it with an octal mode such as 0o600 (not the decimal 600).',
        ENOENT: 'There is no socket file at that path: listen on exactly the path you were given, and do not remove a live server\'s file.',
        ECONNREFUSED: 'The file is there, but nothing listens on it: the server is not listening (any more).',
      };
      try {
        fail({ message: `the check could not connect to ${other} at ${socketPath}`, expected: 'a connection', actual: `${e.code ?? 'an error'}: ${e.message}`, hint: hints[e.code ?? ''] ?? 'Keep the server listening on the path you were given.' });
      } catch (failure) {
        reject(failure);
      }
    });
  });
  await within(connected, `${other} to accept the connection`);
  return peer;
}

/**
 * A test server on `socketPath`, for checking a learner's client or playing the live server a
 * learner must not disturb. Each accepted connection becomes a Peer, passed to `onConnection`.
 */
export async function servePath(socketPath: string, onConnection?: (peer: Peer) => void) {
  const accepted: Peer[] = [];
  const events = new EventEmitter();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const peer = new Peer(socket, 'your client');
    accepted.push(peer);
    onConnection?.(peer);
    peer.on('change', () => events.emit('change'));
    events.emit('change');
  });
  openServers.add(server);
  server.listen(socketPath);
  await within(once(server, 'listening'), 'the test server to start listening');
  const subscribe = (notify: () => void) => {
    events.on('change', notify);
    return () => events.off('change', notify);
  };
  let taken = 0;
  return {
    server,
    /** Every connection accepted so far. */
    accepted,
    /** The next connection a client makes. */
    nextConnection(waitingFor = 'your client to connect'): Promise<Peer> {
      return until(subscribe, () => (accepted.length > taken ? accepted[taken++] : undefined), waitingFor, {
        hint: 'Connect with net.connect(socketPath): a path instead of a port.',
      });
    },
    /** Waits until `check()` returns something, re-checking on every connection and every byte. */
    waitUntil<T>(check: () => T | undefined, waitingFor: string, options: WaitOptions = {}): Promise<T> {
      return until(subscribe, check, waitingFor, options);
    },
  };
}

let crashed: string | undefined;

/**
 * Leaves a stale socket file at `socketPath`, as a crashed server does: a separate Node process
 * listens and is killed with SIGKILL, which gives it no chance to remove its file. That happens
 * once per test file; later calls add a hard link to the same stale socket, which behaves the
 * same (lstat says socket, connect says ECONNREFUSED, listen says EADDRINUSE) and costs nothing.
 */
export async function staleSocketAt(socketPath: string): Promise<void> {
  crashed ??= await crashedServerSocket(path.join(socketFolder(), 'crashed.sock'));
  linkSync(crashed, socketPath);
}

async function crashedServerSocket(at: string): Promise<string> {
  const script = `require('node:net').createServer().listen(${JSON.stringify(at)}, () => console.log('listening'))`;
  const child = trackChild(spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] }));
  const exited = once(child, 'exit');
  await within(once(child.stdout as NodeJS.ReadableStream, 'data'), 'a helper process to listen on a socket file (to leave it stale)', { ms: 10_000 });
  child.kill('SIGKILL');
  await within(exited, 'the helper process to die (SIGKILL)');
  return at;
}
