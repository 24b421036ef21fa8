// Hidden tests for lesson 07: a control server on a Unix socket, a safe start that tells a stale
// socket file from a live server's, and a client; one check runs the server in another process.
// Socket paths are short, fresh and in a private temporary folder; nothing waits on a timer.
// try: listenSafely(createControlServer(), SOCKET) in a temporary folder; SERVER_PID, SCRATCH
import { lstatSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import fsPromises, { chmod } from 'node:fs/promises';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { describe, test } from 'vitest';
import { serveInChild } from '../harness/child.ts';
import { todoOrRethrow, useExercise } from '../harness/exercise.ts';
import { expectEqual, fail, show } from '../harness/failure.ts';
import { type Peer } from '../harness/net.ts';
import {
  abstractName,
  connectPath,
  HAS_ABSTRACT_NAMES,
  IS_WINDOWS,
  listenOnPath,
  MAX_SOCKET_PATH_BYTES,
  servePath,
  socketFolder,
  socketPath,
  staleSocketAt,
  trackLearnerServer,
} from '../harness/unix.ts';
import { busyServerAt, connectErrorCode, FULL_QUEUE_SAYS_EAGAIN, OVERRIDES_FILE_PERMISSIONS } from '../harness/unix-unreachable.ts';
import { until, within } from '../harness/wait.ts';

interface Lesson07 {
  createControlServer(): net.Server;
  listenSafely(server: net.Server, socketPath: string, mode?: number): Promise<void>;
  ask(socketPath: string, command: string): Promise<string>;
}

const lesson = useExercise<Lesson07>('07-unix-sockets');

const HINT = {
  lines:
    'A command may arrive in several chunks and one chunk may hold several commands: keep the unfinished text per connection and answer each line once its "\\n" arrives.',
  perConnection: 'Keep the unfinished line inside the connection callback, so that each client has its own.',
  ping: 'Compare the whole line with "PING" and write "PONG\\n".',
  pid: 'Reply with String(process.pid) and "\\n": the id of the process your server runs in.',
  end: "Keep the default allowHalfOpen: false, so Node ends your side when the client ends, or call socket.end() on 'end'.",
  reset: "A client that vanishes makes its socket emit 'error' (EPIPE when you reply to it). Add socket.on('error', ...) to every socket the server accepts.",
  listenOnce: "Call server.listen(socketPath) and resolve on 'listening'; reject on the server's 'error' event.",
  chmod: 'After listening, await chmod(socketPath, mode) (from node:fs/promises) before you resolve.',
  stale: 'On EADDRINUSE, try to connect to the path: if that fails with ECONNREFUSED nobody is there, so unlink the file and listen again.',
  live: 'On EADDRINUSE, connect to the path first: if the connection succeeds, a server is alive there. Then reject and leave its file alone.',
  closeProbe: "When your test connection succeeds, close it (probe.destroy() or probe.end()) before you reject: otherwise the live server keeps an open connection from you.",
  probeError:
    "Only ECONNREFUSED means nobody is there. Any other error from your test connection (EACCES: you may not connect to that file; EAGAIN: its server is too busy to take you) does not show that the file is stale: leave it alone and reject with that error.",
  notSocket: "Before removing anything, check fs.lstat(socketPath).isSocket(): a regular file or a folder is someone's data, not a stale socket.",
  otherError: "Only EADDRINUSE means something is at the path: reject with any other listen error as it is, without probing or removing.",
  tooLong: "Check Buffer.byteLength(socketPath) (bytes, not characters) before listening: more than 107 bytes would be cut short silently.",
  abstract: "A path that starts with '\\0' has no file: fs.lstat() and chmod() throw on it. Skip the file checks and the chmod for it.",
  abstractInUse: "An abstract name in use makes listen() fail with EADDRINUSE, and there is nothing to probe or remove: reject with that error object itself, not a new Error.",
  ask: 'Connect with net.connect(socketPath), write the command followed by "\\n", and resolve with the text before the first "\\n" of the reply.',
  utf8: "A chunk boundary can fall inside a multi-byte character: collect Buffers and decode the line once, or call socket.setEncoding('utf8') first.",
  closeAsk: 'Once the line has arrived, close the connection with socket.end() or socket.destroy().',
  reject: "Listen for 'error' on the socket and reject the promise with it.",
  partial: "If 'end' (or 'close') comes before a whole line arrived, reject with an Error: a line is complete only with its \"\\n\".",
};

type Outcome<T> = { resolved: true; value: T } | { resolved: false; error: unknown };

/** Calls a learner function that returns a promise; a TODO or a throw is reported as is. */
function start<K extends 'listenSafely' | 'ask'>(name: K, ...args: Parameters<Lesson07[K]>): Promise<Awaited<ReturnType<Lesson07[K]>>> {
  const p = (lesson.call as (n: K, ...a: unknown[]) => Promise<Awaited<ReturnType<Lesson07[K]>>>)(name, ...args).catch((err: unknown) =>
    todoOrRethrow(name, lesson.file, err),
  );
  p.catch(() => {}); // awaited by the check; never an unhandled rejection
  return p;
}

/** Waits for a promise to settle and says how; the check decides which outcome is right. */
async function outcome<T>(promise: Promise<T>, waitingFor: string, hint: string): Promise<Outcome<T>> {
  const o = await within(
    promise.then(
      (value) => ({ resolved: true as const, value }),
      (error: unknown) => ({ resolved: false as const, error }),
    ),
    waitingFor,
    { hint },
  );
  if (!o.resolved && (o.error as { netlings?: unknown })?.netlings) throw o.error; // a TODO or a throw: as is
  return o;
}

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;
const describeError = (err: unknown) => (err instanceof Error ? `${codeOf(err) ? `${codeOf(err)}: ` : ''}${err.message}` : `a non-Error value: ${String(err)}`);

/** A stand-in server for task 2, so these checks do not depend on task 1. */
function greeter(): net.Server {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end('hello from the server you started\n');
  });
  trackLearnerServer(server);
  return server;
}

async function expectListening(socket: string, server: net.Server, hint: string): Promise<void> {
  if (!server.listening) fail({ message: 'listenSafely() resolved, but the server is not listening', expected: 'server.listening === true', actual: 'false', hint });
  const client = await connectPath(socket, 'the server you started');
  await client.expectNext('hello from the server you started\n', `the greeting of the server you started, at ${socket}`, hint);
}

/** Hints for a listenSafely() that rejected where it should have listened, by the error's code. */
const REJECTED_HINTS: Record<string, string> = {
  ECONNREFUSED: 'ECONNREFUSED from your test connection is the answer you were looking for: nobody listens, the file is stale. Catch it, unlink the file and listen again.',
  ERR_INVALID_ARG_VALUE: HINT.abstract,
  ERR_WORKER_UNSUPPORTED_OPERATION: 'process.umask() cannot change the mask in a worker thread, where the checks run your code: set the mode with chmod() after listening instead.',
};

async function expectResolved(promise: Promise<void>, what: string, hint: string): Promise<void> {
  const o = await outcome(promise, what, hint);
  if (!o.resolved) {
    fail({
      message: `listenSafely() rejected: ${describeError(o.error)}`,
      expected: `${what.replace(/^listenSafely\(\) to /, '')}`,
      actual: `rejected with ${describeError(o.error)}`,
      hint: REJECTED_HINTS[codeOf(o.error) ?? ''] ?? hint,
    });
  }
}

/** `hintForWrongError`, if given, picks the hint for a rejection with the wrong error from that error. */
async function expectRejectedWith(promise: Promise<void>, code: string, what: string, hint: string, hintForWrongError?: (err: unknown) => string): Promise<Error> {
  const o = await outcome(promise, `listenSafely() to reject: ${what}`, hint);
  if (o.resolved) {
    fail({ message: `listenSafely() resolved although ${what}`, expected: `a rejection with an Error whose code is ${code}`, actual: 'it resolved', hint });
  }
  if (!(o.error instanceof Error) || codeOf(o.error) !== code) {
    fail({ message: `listenSafely() rejected, but not with ${code}`, expected: `an Error whose code is ${show(code)}`, actual: describeError(o.error), hint: hintForWrongError?.(o.error) ?? hint });
  }
  return o.error;
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

/** A path in our folder of exactly `bytes` bytes, made of `filler` (one or two bytes a character). */
function pathOfBytes(bytes: number, filler: 'x' | 'é'): string {
  const base = `${socketFolder()}${path.sep}`;
  const room = bytes - Buffer.byteLength(base);
  const fill = filler === 'x' ? 'x'.repeat(room) : `${'x'.repeat(room % 2)}${'é'.repeat(Math.floor(room / 2))}`;
  return base + fill;
}

// ---------------------------------------------------------------------------------------------

async function startControlServer(): Promise<string> {
  const at = socketPath();
  await listenOnPath(await lesson.call('createControlServer'), at, 'createControlServer()');
  return at;
}

/** The first line that arrives (with its "\n"), or what arrived before the connection ended. */
function firstLine(peer: Peer, what: string, hint: string): Promise<string> {
  return until(
    (notify) => {
      peer.on('change', notify);
      return () => peer.off('change', notify);
    },
    () => {
      const newline = peer.unread.indexOf(0x0a);
      if (newline !== -1) return peer.unread.subarray(0, newline + 1).toString('utf8');
      return peer.ended || peer.closed ? peer.unread.toString('utf8') : undefined;
    },
    what,
    { hint },
  );
}

async function ask(client: Peer, command: string, reply: string, hint: string): Promise<void> {
  await client.write(`${command}\n`);
  await client.expectNext(reply, `the reply to ${show(`${command}\n`)}`, hint);
}

describe('Task 1: createControlServer()', () => {
  test('answers PING with PONG, over a Unix socket [1.2]', async () => {
    const client = await connectPath(await startControlServer(), 'your server');
    await ask(client, 'PING', 'PONG\n', HINT.ping);
    await ask(client, 'PING', 'PONG\n', HINT.ping);
  });

  test('answers PID with the id of the process it runs in [1.3]', async () => {
    const client = await connectPath(await startControlServer(), 'your server');
    await client.write('PID\n');
    const reply = await firstLine(client, 'the reply to "PID\\n"', HINT.pid);
    expectEqual(reply, `${process.pid}\n`, 'the reply to "PID\\n"', reply === `${process.ppid}\n` ? 'That is the parent process (process.ppid): reply with process.pid, the process your server runs in.' : HINT.pid);
  });

  test('answers every other line with ERR unknown command: commands match exactly [1.4]', async () => {
    const client = await connectPath(await startControlServer(), 'your server');
    const lookAlikes: [string, string][] = [
      ['', 'An empty line is not a command either: answer it with "ERR unknown command\\n".'],
      ['ping', 'Commands are case-sensitive: compare with ===, without toUpperCase().'],
      ['pid', 'Commands are case-sensitive: compare with ===, without toUpperCase().'],
      [' PING', 'Compare the line exactly, without trim(): " PING" is not PING.'],
      ['PING ', 'Compare the line exactly, without trim(): "PING " is not PING.'],
      ['PING\r', 'Compare the line exactly, without trim(): "PING\\r" is not PING (a "\\r" is part of the line).'],
      ['PINGPONG', 'Compare the whole line with ===, not startsWith() or includes().'],
      ['PIDS', 'Compare the whole line with ===, not startsWith() or includes().'],
      ['PING PID', 'Compare the whole line with ===, not startsWith() or includes().'],
      ['toString', 'obj[line] also finds what every object inherits, such as toString: look commands up with Object.hasOwn(obj, line), a Map or a switch.'],
      ['__proto__', 'obj[line] also finds what every object inherits, such as __proto__: look commands up with Object.hasOwn(obj, line), a Map or a switch.'],
      ['héllo €', 'Answer any line that is not exactly PING or PID with "ERR unknown command\\n".'],
    ];
    for (const [line, hint] of lookAlikes) await ask(client, line, 'ERR unknown command\n', hint);
    await ask(client, 'PING', 'PONG\n', HINT.ping);
  });

  test('waits for the whole command when it arrives one byte per chunk [1.1]', async () => {
    const client = await connectPath(await startControlServer(), 'your server');
    await client.writeInPieces('PING\nnope\nPING\n', 1);
    await client.expectNext('PONG\nERR unknown command\nPONG\n', 'what your server sent back for "PING\\n", "nope\\n" and "PING\\n", which arrived one byte per chunk', HINT.lines);
  });

  test('answers every command, in order, when many arrive in one chunk [1.1]', async () => {
    const client = await connectPath(await startControlServer(), 'your server');
    const commands = Array.from({ length: 150 }, (_, i) => (i % 3 ? 'PING' : `job ${i}`));
    await client.write(commands.map((c) => `${c}\n`).join(''));
    const expected = commands.map((c) => (c === 'PING' ? 'PONG\n' : 'ERR unknown command\n')).join('');
    await client.expectNext(expected, 'what your server sent back for 150 commands that arrived in one chunk (one reply each, in order)', HINT.lines);
    // A chunk that ends inside the next command: the complete one is answered now, not later.
    await client.write('PING\nPI');
    await client.expectNext('PONG\n', 'the reply to "PING\\n", which arrived in one chunk with the start of the next command ("PI")', 'Answer each complete line as soon as it is there, even when the chunk ends with the beginning of another line.');
    await client.write('NG\n');
    await client.expectNext('PONG\n', 'the reply to "PI" + "NG\\n"', HINT.lines);
  });

  test('keeps each client\'s unfinished command apart [1.1]', async () => {
    const at = await startControlServer();
    const [alice, bob] = [await connectPath(at, 'your server'), await connectPath(at, 'your server')];
    await alice.write('PI');
    await ask(bob, 'PING', 'PONG\n', HINT.perConnection);
    await bob.write('P');
    await alice.write('NG\n');
    await alice.expectNext('PONG\n', 'the reply to alice\'s "PI" + "NG\\n"', HINT.perConnection);
    await bob.write('ING\n');
    await bob.expectNext('PONG\n', 'the reply to bob\'s "P" + "ING\\n"', HINT.perConnection);
  });

  test('ends the connection when the client ends its side [1.5]', async () => {
    const client = await connectPath(await startControlServer(), 'your server');
    await client.write('PING\n');
    client.end();
    await client.expectNext('PONG\n', 'the reply to "PING", sent just before the client ended its side', HINT.ping);
    await client.expectEnd('your server to end the connection after the client ended its side', HINT.end);
  });

  test('never answers an unfinished last line, also when the client ends after it [1.1, 1.5]', async () => {
    const client = await connectPath(await startControlServer(), 'your server');
    // "PING" without its "\n" is not a command: the client ends before the rest arrives.
    await client.write('PING\nPING');
    client.end();
    await client.expectNext('PONG\n', 'the reply to "PING\\n", sent with an unfinished "PING" just before the client ended its side', HINT.ping);
    await client.expectEnd(
      'your server to end the connection without answering the unfinished "PING"',
      'Text after the last "\\n" is not a command: when the client ends, drop it (answer nothing for it) and end your side.',
    );
  });

  test('keeps serving other clients after one breaks its connection [1.5]', async () => {
    const at = await startControlServer();
    const rude = await connectPath(at, 'your server');
    await ask(rude, 'PING', 'PONG\n', HINT.ping);
    // Unix sockets have no TCP reset. A client that sends a command and vanishes at once breaks
    // the connection: the server's reply then fails with EPIPE on its socket.
    await rude.write('PING\n');
    rude.socket.destroy();
    const polite = await connectPath(at, 'your server');
    await ask(polite, 'PING', 'PONG\n', HINT.reset);
  });
});

// ---------------------------------------------------------------------------------------------

const onFiles = IS_WINDOWS ? ' (not on Windows: named pipes have no file; skipped)' : '';

describe('Task 2: listenSafely()', () => {
  test('listens on a free socket path and resolves once listening [2.1]', async () => {
    const at = socketPath();
    const server = greeter();
    await expectResolved(start('listenSafely', server, at), 'listenSafely() to resolve: the path was free', HINT.listenOnce);
    await expectListening(at, server, HINT.listenOnce);
  });

  test.skipIf(IS_WINDOWS)(`gives the socket file mode 0o600 by default, and the mode asked for [2.2]${onFiles}`, async () => {
    for (const mode of [undefined, 0o640, 0o606]) {
      const at = socketPath();
      const listening = mode === undefined ? start('listenSafely', greeter(), at) : start('listenSafely', greeter(), at, mode);
      await expectResolved(listening, `listenSafely() to resolve${mode ? ` with mode 0o${mode.toString(8)}` : ''}`, HINT.listenOnce);
      const want = mode ?? 0o600;
      const got = modeOf(at);
      if (got !== want) {
        const call = mode === undefined ? 'listenSafely(server, path)' : `listenSafely(server, path, 0o${mode.toString(8)})`;
        fail({
          message: `after ${call} resolved, the socket file had the wrong permissions`,
          expected: `mode 0o${want.toString(8)}`,
          actual: `mode 0o${got.toString(8)}`,
          hint: mode !== undefined && got === 0o600 ? 'Use the mode argument: 0o600 is only its default.' : HINT.chmod,
        });
      }
    }
  });

  test.skipIf(IS_WINDOWS)(`resolves only once the mode is set, also when chmod() takes a while [2.2]${onFiles}`, async () => {
    // On an idle machine chmod() finishes before anybody looks, so a chmod() that is not awaited
    // passes the check above by luck. Here every chmod() (promise and callback forms) waits a few
    // event-loop turns before it runs, and the mode is read in the very turn listenSafely() resolves.
    const realPromise = fsPromises.chmod;
    const realCallback = fs.chmod;
    const later = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
    fsPromises.chmod = (async (...args: Parameters<typeof realPromise>) => {
      await later();
      return realPromise(...args);
    }) as typeof realPromise;
    fs.chmod = ((...args: Parameters<typeof realCallback>) => void later().then(() => realCallback(...args))) as typeof realCallback;
    syncBuiltinESMExports(); // so `import { chmod } from 'node:fs/promises'` sees the slow one too
    try {
      const at = socketPath();
      let atResolve: number | undefined;
      const listening = start('listenSafely', greeter(), at, 0o640);
      void listening.then(() => (atResolve = modeOf(at)), () => {});
      await expectResolved(listening, 'listenSafely() to resolve with mode 0o640', HINT.listenOnce);
      if (atResolve !== 0o640) {
        fail({
          message: 'listenSafely() resolved before the socket file had the mode asked for (chmod() was slow this time)',
          expected: 'mode 0o640 when the promise resolves',
          actual: `mode 0o${(atResolve ?? 0).toString(8)} when it resolved${modeOf(at) === 0o640 ? ', 0o640 a moment later' : ''}`,
          hint: HINT.chmod,
        });
      }
    } finally {
      fsPromises.chmod = realPromise;
      fs.chmod = realCallback;
      syncBuiltinESMExports();
    }
  });

  test.skipIf(IS_WINDOWS)(`removes a stale socket file left by a crashed server, then listens, with the mode asked for [2.3, 2.2]${onFiles}`, async () => {
    const at = socketPath('stale');
    await staleSocketAt(at);
    const server = greeter();
    await expectResolved(start('listenSafely', server, at, 0o640), 'listenSafely() to resolve: the socket file at the path was stale (its server was killed)', HINT.stale);
    await expectListening(at, server, HINT.stale);
    const got = modeOf(at);
    if (got !== 0o640) {
      fail({ message: 'after replacing a stale socket file, the new socket file had the wrong permissions', expected: 'mode 0o640 (asked for)', actual: `mode 0o${got.toString(8)}`, hint: 'Set the mode on the socket file you created, after the listen that succeeded, whichever way you got there.' });
    }
  });

  test.skipIf(IS_WINDOWS)(`leaves a live server's socket alone and rejects with EADDRINUSE [2.4]${onFiles}`, async () => {
    const at = socketPath('live');
    await servePath(at, (peer) => void peer.write('live\n'));
    const before = lstatSync(at).ino;
    await expectRejectedWith(start('listenSafely', greeter(), at), 'EADDRINUSE', 'a live server answers at the path', HINT.live);
    let after: number | undefined;
    try {
      after = lstatSync(at).ino;
    } catch {
      after = undefined;
    }
    if (after !== before) {
      fail({ message: `the live server's socket file was ${after === undefined ? 'removed' : 'replaced'}`, expected: 'the file untouched', actual: after === undefined ? 'no file at the path' : 'another file at the path', hint: HINT.live });
    }
    const me = await connectPath(at, 'the live server');
    await me.expectNext('live\n', 'the live server to still answer at its path', HINT.live);
  });

  test.skipIf(IS_WINDOWS)(`closes the connection it made to find the live server [2.4]${onFiles}`, async () => {
    const at = socketPath('live');
    const live = await servePath(at);
    await expectRejectedWith(start('listenSafely', greeter(), at), 'EADDRINUSE', 'a live server answers at the path', HINT.live);
    // Connections are accepted in order: once ours is, any test connection made before it is too.
    const me = await connectPath(at, 'the live server');
    await me.write('me');
    const mine = await live.waitUntil(() => live.accepted.find((p) => p.unread.length > 0), 'the live server to accept our own connection');
    const open = () => live.accepted.filter((p) => p !== mine && !p.ended && !p.closed);
    await live.waitUntil(() => (open().length === 0 ? true : undefined), 'the connection listenSafely() made to the live server to close', {
      hint: HINT.closeProbe,
      detail: () => `${open().length} connection(s) from listenSafely() still open`,
    });
  });

  /** listenSafely() at `at`, where a test connection fails with `code`: it must reject with that error, the file untouched. */
  async function expectUnreachableLeftAlone(at: string, code: string, situation: string): Promise<void> {
    const before = lstatSync(at);
    const o = await outcome(start('listenSafely', greeter(), at), `listenSafely() to reject: ${situation}`, HINT.probeError);
    let after: { ino: number; mode: number } | undefined;
    try {
      const st = lstatSync(at);
      after = { ino: st.ino, mode: st.mode & 0o777 };
    } catch {
      after = undefined;
    }
    const file =
      after === undefined ? 'no file at the path any more'
      : after.ino !== before.ino ? 'another socket file at the path (yours)'
      : after.mode !== (before.mode & 0o777) ? `the file's mode changed to 0o${after.mode.toString(8)}`
      : 'the file untouched';
    if (o.resolved) {
      fail({ message: `listenSafely() resolved although ${situation}`, expected: `a rejection with the ${code} error, and the file left alone`, actual: `it resolved: ${file}`, hint: HINT.probeError });
    }
    if (codeOf(o.error) !== code) {
      fail({
        message: `listenSafely() rejected, but not with the error its test connection got (${code})`,
        expected: `a rejection with the ${code} error`,
        actual: describeError(o.error),
        hint: codeOf(o.error) === 'EADDRINUSE' ? `Reject with the error your test connection failed with (${code}), not listen's EADDRINUSE: it says why you could not tell whether the file is stale.` : HINT.probeError,
      });
    }
    if (file !== 'the file untouched') fail({ message: `listenSafely() rejected with ${code}, but changed the socket file`, expected: 'the file untouched', actual: file, hint: HINT.probeError });
  }

  // Connecting needs write permission on the socket file. As root with CAP_DAC_OVERRIDE (outside
  // the sandbox, which drops every capability) the permission bits are not enforced.
  const lockedNote = IS_WINDOWS ? onFiles : OVERRIDES_FILE_PERMISSIONS ? ' (not checkable here: this process may connect to any socket file, as root outside the sandbox may, so no EACCES can be made)' : '';
  test.skipIf(IS_WINDOWS || OVERRIDES_FILE_PERMISSIONS)(`rejects with the probe's own error and leaves the file alone when connecting fails with EACCES [2.3]${lockedNote}`, async ({ skip }) => {
    const at = socketPath('locked');
    await servePath(at, (peer) => void peer.write('live\n'));
    // A live server's socket file that we may not connect to: another user's, say.
    await chmod(at, 0o000); // awaited: the file is locked before listenSafely() looks at it
    const ours = await connectErrorCode(at);
    if (ours !== 'EACCES') skip(`a connection to a socket file with mode 0o000 gave ${ours ?? 'a connection'} here, not EACCES`);
    await expectUnreachableLeftAlone(at, 'EACCES', 'connecting to the socket file at the path fails with EACCES');
  });

  const busyNote = FULL_QUEUE_SAYS_EAGAIN ? '' : ' (only Linux says EAGAIN for a full queue: skipped)';
  test.skipIf(!FULL_QUEUE_SAYS_EAGAIN)(`rejects with the probe's own error and leaves the file alone when connecting fails with EAGAIN [2.3]${busyNote}`, async () => {
    const at = socketPath('busy');
    // A live server that accepts nothing more: its queue of waiting connections is full.
    await busyServerAt(at);
    await expectUnreachableLeftAlone(at, 'EAGAIN', "connecting to the socket file at the path fails with EAGAIN (its server's queue is full)");
  });

  test.skipIf(IS_WINDOWS)(`leaves a regular file or a folder alone and rejects with EADDRINUSE [2.5]${onFiles}`, async () => {
    const file = socketPath('file');
    writeFileSync(file, 'precious data\n');
    await expectRejectedWith(start('listenSafely', greeter(), file), 'EADDRINUSE', 'a regular file is at the path', HINT.notSocket);
    let content: string | undefined;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      content = undefined;
    }
    expectEqual(content ?? '(the file is gone)', 'precious data\n', 'the regular file at the path', HINT.notSocket);
    const folder = socketPath('folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'inside.txt'), 'x');
    await expectRejectedWith(start('listenSafely', greeter(), folder), 'EADDRINUSE', 'a folder is at the path', HINT.notSocket);
    let kept = false;
    try {
      kept = statSync(folder).isDirectory() && readdirSync(folder).includes('inside.txt');
    } catch {
      kept = false;
    }
    if (!kept) fail({ message: 'the folder at the path was removed or emptied', expected: 'the folder untouched', actual: 'it changed', hint: HINT.notSocket });
  });

  test.skipIf(IS_WINDOWS)(`rejects with listen's own error when the folder does not exist [2.6]${onFiles}`, async () => {
    const at = path.join(socketFolder(), 'no-such-folder', 'ctl.sock');
    // What listen() itself says here (EACCES on Linux, ENOENT elsewhere).
    const expected = await new Promise<string | undefined>((resolve) => {
      const probe = net.createServer();
      probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
      probe.listen(at, () => probe.close(() => resolve(undefined)));
    });
    await expectRejectedWith(start('listenSafely', greeter(), at), expected ?? 'an error', 'the folder of the path does not exist', HINT.otherError);
  });

  test.skipIf(IS_WINDOWS)(`refuses a path longer than 107 bytes with ENAMETOOLONG and creates nothing [2.7]${onFiles}`, async () => {
    for (const [bytes, filler] of [
      [120, 'x'],
      [MAX_SOCKET_PATH_BYTES + 1, 'x'],
      [MAX_SOCKET_PATH_BYTES + 1, 'é'],
    ] as const) {
      const at = pathOfBytes(bytes, filler);
      const what = `the path is ${bytes} bytes long${filler === 'é' ? ` but only ${at.length} characters` : ''}`;
      const before = readdirSync(socketFolder()).length;
      const server = greeter();
      const error = await expectRejectedWith(start('listenSafely', server, at), 'ENAMETOOLONG', what, HINT.tooLong);
      if (!error.message.replace('ENAMETOOLONG', '').replace(/[\s:,.-]/g, '')) fail({ message: `listenSafely() rejected with ENAMETOOLONG, but the Error's message does not say why (${show(error.message)})`, expected: 'a message that says why, e.g. "the socket path is 120 bytes; at most 107 fit"', actual: error.message.trim() ? `only the code: ${show(error.message)}` : 'an empty message', hint: "Pass a message that says why to new Error(...), e.g. the path's length in bytes and the limit: it is what a user of your server reads; the code is for programs." });
      if (server.listening || readdirSync(socketFolder()).length !== before) {
        fail({ message: `listenSafely() listened or created a file although ${what}`, expected: 'nothing created', actual: server.listening ? 'the server is listening' : 'a new file in the folder', hint: HINT.tooLong });
      }
    }
  });

  const linuxOnly = process.platform === 'linux' ? '' : ' (other systems keep fewer bytes: skipped)';
  test.skipIf(process.platform !== 'linux')(`accepts a path of exactly 107 bytes [2.7]${linuxOnly}`, async () => {
    const at = pathOfBytes(MAX_SOCKET_PATH_BYTES, 'x');
    const server = greeter();
    await expectResolved(start('listenSafely', server, at), 'listenSafely() to resolve: the path is exactly 107 bytes long, which still fits', HINT.tooLong);
    await expectListening(at, server, HINT.tooLong);
  });

  const abstractNote = HAS_ABSTRACT_NAMES ? '' : ' (abstract names exist only on Linux: skipped)';
  test.skipIf(!HAS_ABSTRACT_NAMES)(`listens on a Linux abstract name, which has no file, and rejects one in use [2.8]${abstractNote}`, async () => {
    const name = abstractName();
    const server = greeter();
    await expectResolved(start('listenSafely', server, name), `listenSafely() to resolve on the abstract name ${show(name)}`, HINT.abstract);
    await expectListening(name, server, HINT.abstract);
    await expectRejectedWith(start('listenSafely', greeter(), name), 'EADDRINUSE', `a server already listens on the abstract name ${show(name)}`, HINT.abstract, (err) =>
      // lstat()/chmod() on a '\0' path fail with ERR_INVALID_ARG_VALUE; anything else is listen's error, changed.
      codeOf(err) === 'ERR_INVALID_ARG_VALUE' ? HINT.abstract : HINT.abstractInUse,
    );
    await expectListening(name, server, 'A name in use belongs to a live server: leave it alone and reject.');
  });
});

// ---------------------------------------------------------------------------------------------

/** Calls ask() without waiting; `guard` makes a wait fail at once if ask() settles first. */
function startAsk(at: string, command: string) {
  const reply = start('ask', at, command);
  const settled = reply.then(
    (value) => Promise.reject(new Error(`ask() resolved too early, with ${show(value)}`)),
    (err: unknown) => Promise.reject(err),
  );
  settled.catch(() => {}); // only raced against waits
  return {
    reply,
    guard: <T>(wait: Promise<T>): Promise<T> => Promise.race([wait, settled]),
    outcome: (waitingFor: string, hint: string) => outcome(reply, waitingFor, hint),
  };
}

async function expectAnswer(at: string, command: string, reply: (peer: Peer) => Promise<void>, expected: string, what: string, hint: string) {
  const srv = await servePath(at);
  const asking = startAsk(at, command);
  const conn = await asking.guard(srv.nextConnection());
  const commandHint = (got: string) =>
    got !== `${command}\n` && got.replace(/\r?\n$/, '') === command.trim()
      ? 'Send the command exactly as given, spaces at its ends included: do not trim() it.'
      : 'Write the command followed by "\\n", and nothing else.';
  await asking.guard(conn.expectNext(`${command}\n`, `the command ${show(`${command}\n`)} from your client`, commandHint));
  await reply(conn);
  const o = await asking.outcome('ask() to resolve with the first line of the reply', hint);
  if (!o.resolved) fail({ message: `ask() rejected: ${describeError(o.error)}`, expected: `resolved with ${show(expected)}`, actual: describeError(o.error), hint });
  expectEqual(o.value, expected, `the line ask() resolved with (${what})`, hint);
  return conn;
}

describe('Task 3: ask()', () => {
  test('sends the command followed by "\\n" to the socket at the path [3.1]', async () => {
    await expectAnswer(socketPath(), 'PING', (c) => c.write('PONG\n'), 'PONG', 'the reply was "PONG\\n"', HINT.ask);
    await expectAnswer(socketPath(), 'héllo wörld €', (c) => c.write('ERR unknown command\n'), 'ERR unknown command', 'the reply was "ERR unknown command\\n"', HINT.ask);
    // The command goes out exactly as given: spaces at its ends are part of it (the server decides).
    await expectAnswer(socketPath(), ' PING  ', (c) => c.write('ERR unknown command\n'), 'ERR unknown command', 'the reply was "ERR unknown command\\n"', HINT.ask);
  });

  test('resolves with the first line when it arrives one byte per chunk [3.2]', async () => {
    const line = 'ünïcödé ✓ 🚀 and more';
    await expectAnswer(socketPath(), 'PING', (c) => c.writeInPieces(`${line}\n`, 1), line, 'the reply came one byte per chunk', HINT.utf8);
  });

  test('resolves with only the first line when more lines follow in the same chunk [3.2]', async () => {
    await expectAnswer(socketPath(), 'PID', (c) => c.write('4242\nsecond line\nthird\n'), '4242', 'the reply was "4242\\nsecond line\\nthird\\n" in one chunk', 'Resolve with the text before the FIRST "\\n" only.');
  });

  test('keeps a "\\r" before the "\\n": the line is exactly what was sent [3.2]', async () => {
    await expectAnswer(socketPath(), 'PING', (c) => c.write('PONG\r\nnext\n'), 'PONG\r', 'the reply was "PONG\\r\\nnext\\n"', 'Take the bytes before the first "\\n" as they are: do not trim them, and do not use readline, which also treats "\\r" as a line end.');
  });

  test('closes the connection once the line has arrived [3.3]', async () => {
    const conn = await expectAnswer(socketPath(), 'PING', (c) => c.write('PONG\n'), 'PONG', 'the reply was "PONG\\n"', HINT.ask);
    await conn.waitForEnd('your client to close the connection after the reply', HINT.closeAsk);
  });

  test('rejects with ENOENT when there is no socket file, and ECONNREFUSED at a stale one [3.4]', async () => {
    const missing = socketPath('missing');
    const o = await startAsk(missing, 'PING').outcome('ask() to reject: there is no socket file at the path', HINT.reject);
    if (o.resolved || codeOf(o.error) !== 'ENOENT') {
      fail({ message: 'ask() did not reject with ENOENT for a path with no socket file', expected: 'a rejection with the ENOENT error', actual: o.resolved ? `resolved with ${show(String(o.value))}` : describeError(o.error), hint: HINT.reject });
    }
    if (IS_WINDOWS) return;
    const stale = socketPath('stale');
    await staleSocketAt(stale);
    const s = await startAsk(stale, 'PING').outcome('ask() to reject: the socket file is stale (its server was killed)', HINT.reject);
    if (s.resolved || codeOf(s.error) !== 'ECONNREFUSED') {
      fail({ message: 'ask() did not reject with ECONNREFUSED at a stale socket file', expected: 'a rejection with the ECONNREFUSED error', actual: s.resolved ? `resolved with ${show(String(s.value))}` : describeError(s.error), hint: HINT.reject });
    }
  });

  test('rejects when the server ends the connection before a whole line arrived [3.4]', async () => {
    for (const partial of ['PON', '']) {
      const at = socketPath();
      const srv = await servePath(at);
      const asking = startAsk(at, 'PING');
      const conn = await asking.guard(srv.nextConnection());
      await asking.guard(conn.expectNext('PING\n', 'the command "PING\\n" from your client', HINT.ask));
      if (partial) await conn.write(partial);
      conn.end();
      const o = await asking.outcome(`ask() to reject: the server sent ${partial ? show(partial) : 'nothing'} and ended the connection`, HINT.partial);
      if (o.resolved) {
        fail({ message: `ask() resolved although the server ended after ${partial ? show(partial) : 'sending nothing'}, without a "\\n"`, expected: 'a rejection with an Error', actual: `resolved with ${show(String(o.value))}`, hint: HINT.partial });
      }
      if (!(o.error instanceof Error) || !o.error.message.trim()) {
        fail({
          message: o.error instanceof Error ? 'ask() rejected with an Error that has no message' : 'ask() rejected with something that is not an Error',
          expected: 'an Error that says what happened, e.g. new Error("the connection ended before a whole line arrived")',
          actual: describeError(o.error) || 'an empty message',
          hint: 'Reject with new Error("...") and a message: it is what the caller reads.',
        });
      }
    }
  });

  test('asks your server running in another process (a forked child) for its PID [3.1, 1.3]', async () => {
    const at = socketPath('child');
    const { pid } = await serveInChild('07-unix-sockets', 'createControlServer', at);
    const o = await startAsk(at, 'PID').outcome('ask() to get the PID from your server in the child process', HINT.ask);
    if (!o.resolved) fail({ message: `ask() rejected: ${describeError(o.error)}`, expected: `resolved with ${show(String(pid))}`, actual: describeError(o.error), hint: HINT.ask });
    expectEqual(o.value, String(pid), 'the PID your server in the child process sent, as ask() resolved it', o.value === String(process.pid) ? 'That is the id of the checks\' process: reply with process.pid, evaluated when the command arrives, in the process that runs the server.' : o.value === pid.toString(16) ? 'That is the id in hexadecimal: write it in decimal, String(process.pid).' : HINT.pid);
  });
});
