// Hidden tests for lesson 02: the life of a net.Server (listen, address, errors, drop,
// getConnections, close), driven over loopback. The learner's server is watched from outside
// (a probe on 'connection', 'drop' and each socket's 'close') so that every count and every
// "not yet" is checked at a moment that is known, never after a sleep.
// try: startEchoServer({ port: PORT, host: '127.0.0.1' })
import type net from 'node:net';
import { describe, test } from 'vitest';
import { connectBulk } from '../harness/bulk-client.ts';
import { attemptConnect } from '../harness/connect-attempt.ts';
import { todoOrRethrow, useExercise } from '../harness/exercise.ts';
import { expectAllBytesThenEnd } from '../harness/expect-bytes.ts';
import { fail, LessonFailure, show } from '../harness/failure.ts';
import { hasIpv6Loopback } from '../harness/ipv6.ts';
import { callMethod, watchSettle, withHint } from '../harness/learner-call.ts';
import { fakeLearnerClock } from '../harness/learner-clock.ts';
import { closedPort, connect, HOST, type Peer, serve } from '../harness/net.ts';
import { roundTrip } from '../harness/round-trip.ts';
import { adoptServer, probeServer } from '../harness/server-probe.ts';
import { within } from '../harness/wait.ts';

interface StartOptions {
  port: number;
  host: string;
  maxConnections?: number;
}
interface EchoServer {
  server: net.Server;
  address: net.AddressInfo;
  dropped(): number;
  connections(): Promise<number>;
  stop(): Promise<void>;
}
interface Lesson02 {
  startEchoServer(options: StartOptions): Promise<EchoServer>;
}

const lesson = useExercise<Lesson02>('02-server-events');

const HINT = {
  resolve: "Resolve from the listen() callback (or a 'listening' listener): before that, server.address() is null and the port is not open yet.",
  address: 'Resolve with server.address() as it is once the server listens: it holds the real port even when you asked for port 0.',
  hostPort: "Pass the port and the host you were given to server.listen(port, host): without a host Node listens on every address (::), and 'localhost' is not always the address you were asked for.",
  echo: "Send each chunk back as it is: socket.pipe(socket), or socket.on('data', (chunk) => socket.write(chunk)).",
  binary: "Do not decode the bytes: setEncoding('utf8') or chunk.toString() turns bytes that are not valid UTF-8 into replacement characters. Write the Buffer you received.",
  graceful: "The echo was cut off: end your side with socket.end() (or keep allowHalfOpen: false, or pipe, which end it for you). destroy() throws away whatever is still queued to be sent, and so does a `for await (const chunk of socket)` loop, which destroys the socket when it finishes (iterate socket.iterator({ destroyOnReturn: false }) instead).",
  heldBack:
    "Part of the echo never reached the socket: with allowHalfOpen: false Node ends your side as soon as it reads the client's end, and some bytes were still inside a stage of your own (a PassThrough, a Transform) waiting for the slow reader. Pipe the socket straight into itself, or use allowHalfOpen: true and end your side once the whole chain has finished (pipeline does).",
  stalled: "The echo stopped halfway, with the connection still open: if you pause() the socket when write() returns false, resume() it on 'drain' (socket.pipe(socket) does both for you).",
  endWithClient: "End your side when the client ends its side: keep the default allowHalfOpen: false (or pipe, which ends for you).",
  ownBytes: 'Each connection echoes to its own socket: write to the socket whose data arrived, not to a variable shared by all connections.',
  inUse:
    "When the port is taken, the server emits 'error' (code EADDRINUSE) instead of 'listening'. Listen for 'error' before calling listen() and reject with that error object.",
  reset: "A client that resets its connection makes its socket emit 'error' (ECONNRESET). Add socket.on('error', ...) to every socket the server accepts.",
  maxConnections: 'Set server.maxConnections = options.maxConnections before listening: Node then drops each connection beyond the limit and emits \'drop\'.',
  dropped: "Count the server's 'drop' events: server.on('drop', () => { dropped++ }), and return that count from dropped().",
  count:
    "Ask the server: server.getConnections((err, count) => ...) counts a connection until its socket has closed, whichever way it ended. A counter of your own that goes down on 'end' misses clients that reset.",
  countLate:
    "connections() did not count a client the server had just accepted, and did a moment later: count it in the 'connection' listener itself (or ask server.getConnections()), not a turn later (setImmediate, a timer, the first 'data').",
  droppedLate:
    "dropped() did not count the connection the server had just dropped, and did a moment later: add 1 in the 'drop' listener itself (server.on('drop', () => { dropped++ })), not a turn later (setImmediate, a timer).",
  accept: "The server emits 'connection' for every client it accepts; check that it is listening where the client connects.",
  refuse: 'Call server.close() in stop() straight away: it stops accepting new connections at once, while the open ones may finish.',
  dontCut: 'stop() must not end or destroy the open connections: server.close() alone lets them finish, and its callback runs when they have.',
  noDeadline:
    'stop() must not give up on the open connections after a while: remove the timer that ends or destroys them (or settles stop()). Real servers add such a deadline; here stop() waits as long as the clients stay, and server.close() alone does exactly that.',
  waitForConnections:
    "Resolve in server.close()'s callback (or on the server's 'close' event): Node calls it only once every open connection has closed.",
  secondStop: "server.close(callback) passes an Error with code ERR_SERVER_NOT_RUNNING to its callback when the server is already closed: reject with it (callback(err) → reject(err)).",
};

const isServer = (x: unknown): x is net.Server => typeof x === 'object' && x !== null && typeof (x as net.Server).listen === 'function' && typeof (x as net.Server).address === 'function';

/** Calls startEchoServer() and notes, at the moment it resolves, whether the server listened. */
function callStart(options: StartOptions) {
  const started = lesson.call('startEchoServer', options).catch((err: unknown) => todoOrRethrow('startEchoServer', lesson.file, err));
  return started.then((echo) => {
    const server = isServer(echo?.server) ? echo.server : undefined;
    return { echo, listening: server?.listening, address: server?.address() ?? null };
  });
}

/** The object startEchoServer() resolved with, checked to have the promised shape. */
function checkShape(echo: unknown): EchoServer {
  if (typeof echo !== 'object' || echo === null) {
    fail({ message: 'startEchoServer() should resolve with an object', expected: '{ server, address, dropped, connections, stop }', actual: show(String(echo)), hint: 'Resolve with an object that holds the server, its address and the three functions.' });
  }
  adoptServer((echo as EchoServer).server, 'the `server` in what startEchoServer() resolved with');
  return echo as EchoServer;
}

/** A method of the EchoServer, called with clear failures when it is missing, TODO or throws. */
function method<K extends 'dropped' | 'connections' | 'stop'>(echo: EchoServer, name: K): Promise<Awaited<ReturnType<EchoServer[K]>>> {
  return callMethod(echo, name, 'what startEchoServer() resolved with');
}

/** Starts the learner's server on 127.0.0.1 and watches it; other checks than 1.2 use the real port. */
async function start(extra: Partial<StartOptions> = {}) {
  const { echo: resolved } = await within(callStart({ port: 0, host: HOST, ...extra }), 'startEchoServer() to resolve once the server listens', { hint: HINT.resolve });
  const echo = checkShape(resolved);
  const probe = probeServer(echo.server);
  // A server that resolved too early is 1.2's business; the other checks wait for it to listen.
  if (!echo.server.listening) await within(new Promise((resolve) => echo.server.once('listening', resolve)), 'the server to start listening', { hint: HINT.resolve });
  const { port } = echo.server.address() as net.AddressInfo;
  return { echo, probe, port };
}

/** A client whose first round trip through the echo server has completed. */
async function echoingClient(port: number, name: string): Promise<Peer> {
  const client = await connect(port, 'your echo server');
  await echoes(client, `hello from ${name}\n`);
  return client;
}

async function echoes(client: Peer, text: string, hint = HINT.echo): Promise<void> {
  await client.write(text).catch((err: NodeJS.ErrnoException) =>
    fail({ message: `the test client could not send ${show(text)}: your server had already closed the connection`, expected: 'the connection open until the client ends it', actual: `writing failed: ${err.code ?? err.message}`, hint }),
  );
  await client.expectNext(text, `the echo of ${show(text)}`, hint);
}

/**
 * Writes and waits until the bytes are handed to the kernel. When the server has already closed
 * the connection it resolves anyway: what arrived (or not) then tells what the server did.
 */
function send(socket: net.Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.write(bytes, (err) => (!err || ['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED'].includes((err as NodeJS.ErrnoException).code ?? '') ? resolve() : reject(err))),
  );
}

/**
 * A client that reads nothing at first sends bytes, ends its side, and only then reads: every byte
 * must come back, then the end. The echo piles up first in the kernel (a fresh loopback connection
 * takes ~4 MB: the server's send buffer grows to tcp_wmem's max), then in the server's own queue
 * (`writableLength`). Pieces of 8 KB, each read on its own (a round trip after each), let the
 * check stop at a known level of that queue before it sends its FIN:
 * - 'below': a little queued, under the 16 KB high-water mark: even a server that pauses on
 *   back-pressure still reads, so it reads the FIN with an echo queued. destroy() loses it.
 * - 'beyond': the queue above the high-water mark (a server that pauses has paused), then one
 *   more piece: a server that hands the bytes to a stage of its own (a PassThrough, a Transform)
 *   holds that piece there, paused, when it reads the FIN; with allowHalfOpen: false Node ends
 *   the socket at once, and the piece never gets written. A socket piped straight into itself is
 *   paused too, so it reads the FIN only after it has written everything.
 */
async function echoQueuedWhenClientEnds(level: 'below' | 'beyond'): Promise<void> {
  const { port, probe } = await start();
  const client = await connectBulk(port, 'your echo server');
  client.socket.setNoDelay(true); // each piece leaves at once, as its own segment
  const { socket } = await probe.serverSideOf(client);
  const pieces: Buffer[] = [Buffer.alloc(1024 * 1024, 1)]; // well under what the kernel takes
  await send(client.socket, pieces[0]);
  await roundTrip();
  const full = () => (level === 'below' ? socket.writableLength > 0 : socket.writableLength >= socket.writableHighWaterMark);
  for (let n = 1; n < 2048 && !client.socket.destroyed && !client.socket.writableEnded; n++) {
    const reached = full();
    const piece = Buffer.alloc(8 * 1024, n & 0xff);
    if (reached && level === 'below') break;
    pieces.push(piece);
    await send(client.socket, piece);
    await roundTrip();
    if (reached) break; // 'beyond': the one piece after the queue went over the mark is sent
  }
  if (!client.socket.destroyed) client.socket.end();
  await roundTrip(); // the server has read the FIN (unless it has paused)
  const all = Buffer.concat(pieces);
  // Ended (end(), or Node's own end with allowHalfOpen: false) rather than destroyed, and still
  // short: the missing bytes never reached the socket, they were held in a stage of the server's.
  const heldBack = () => socket.writableEnded && !socket.errored;
  await withHint(client.readExactlyThenEnd(all, `the echo (${all.length.toLocaleString('en')} bytes, all sent before the client ended its side)`, HINT.graceful), () =>
    heldBack() ? HINT.heldBack : client.ended || client.closed ? HINT.graceful : HINT.stalled,
  );
}

async function expectCount(echo: EchoServer, expected: number, situation: string, hint = HINT.count): Promise<void> {
  const count = await within(
    method(echo, 'connections').catch((err: unknown) => {
      if ((err as { netlings?: unknown })?.netlings) throw err; // a TODO or a throw: reported as is
      return fail({ message: `connections() rejected ${situation}`, expected: `a count: ${expected}`, actual: `rejected with ${err instanceof Error ? err.message : show(String(err))}`, hint });
    }),
    `connections() to resolve (${situation})`,
    { hint },
  );
  if (count !== expected) {
    fail({ message: `connections() resolved with the wrong count ${situation}`, expected: String(expected), actual: show(String(count)), hint });
  }
}

/**
 * connections() right after the server accepted a client: `expected` then. When it is wrong, a
 * count that is right a moment later (after a round trip) was updated late: the hint says so.
 */
async function expectCountAtOnce(echo: EchoServer, expected: number, situation: string): Promise<void> {
  try {
    await expectCount(echo, expected, situation);
  } catch (err) {
    if (!(err instanceof LessonFailure) || err.netlings.kind !== 'assertion') throw err;
    await roundTrip();
    const later = await within(method(echo, 'connections'), `connections() to resolve (${situation}, a moment later)`, { hint: HINT.count });
    if (later === expected) {
      err.netlings.hint = HINT.countLate;
      err.netlings.actual = `${err.netlings.actual}, and ${expected} a moment later`;
    }
    throw err;
  }
}

describe('Task 1: startEchoServer()', () => {
  test('resolves once the server listens, with the address it really listens on [1.2]', async () => {
    const seen = await within(callStart({ port: 0, host: HOST }), 'startEchoServer() to resolve once the server listens', { hint: HINT.resolve });
    const echo = checkShape(seen.echo);
    if (!seen.listening) {
      fail({ message: 'startEchoServer() resolved before the server was listening', expected: 'server.listening to be true when the promise resolves', actual: 'server.listening was false', hint: HINT.resolve });
    }
    const want = JSON.stringify(seen.address);
    if (JSON.stringify(echo.address) !== want) {
      fail({ message: 'the address startEchoServer() resolved with is not where the server listens', expected: `what server.address() reports: ${want}`, actual: show(JSON.stringify(echo.address) ?? String(echo.address)), hint: HINT.address });
    }
    const { address, family, port } = seen.address as net.AddressInfo;
    if (address !== HOST || family !== 'IPv4' || !(port > 0)) {
      fail({ message: 'the server does not listen on the host it was given, with a real port', expected: `{ address: '${HOST}', family: 'IPv4', port: a number above 0 }`, actual: want, hint: HINT.hostPort });
    }
    await echoingClient(port, 'a client');
    // The address is what server.address() reported when it resolved: a value, not a view of
    // the server that turns null once the server no longer listens.
    echo.server.close();
    if (JSON.stringify(echo.address) !== want) {
      fail({ message: 'the address startEchoServer() resolved with changed once the server stopped listening', expected: `still ${want}`, actual: show(JSON.stringify(echo.address) ?? String(echo.address)), hint: 'Read server.address() once, when the server listens, and keep that object: a getter asks the server again, and a closed server answers null.' });
    }
  });

  test('listens on the host and the port it is given [1.2]', async () => {
    const free = await closedPort();
    const seen = await within(callStart({ port: free, host: HOST }), `startEchoServer() to resolve once the server listens on port ${free}`, { hint: HINT.resolve });
    const echo = checkShape(seen.echo);
    if (!seen.listening) {
      fail({ message: 'startEchoServer() resolved before the server was listening', expected: 'server.listening to be true when the promise resolves', actual: 'server.listening was false', hint: HINT.resolve });
    }
    const port = (seen.address as net.AddressInfo | null)?.port;
    if (port !== free || echo.address?.port !== free) {
      fail({ message: `the server was asked to listen on port ${free}`, expected: `server.address().port and address.port to be ${free}`, actual: `server.address().port: ${port}, address.port: ${echo.address?.port}`, hint: HINT.hostPort });
    }
    // On ::1 too, where this machine has it: a server that listens on 'localhost' (or a fixed
    // host) instead of the host it was given cannot be on 127.0.0.1 and ::1 both.
    if (!(await hasIpv6Loopback())) return;
    const six = await within(callStart({ port: 0, host: '::1' }), "startEchoServer() to resolve once the server listens on '::1'", { hint: HINT.resolve });
    const sixEcho = checkShape(six.echo);
    const got = six.address as net.AddressInfo | null;
    if (got?.address !== '::1' || got.family !== 'IPv6') {
      fail({ message: "the server does not listen on the host it was given, '::1' (the IPv6 loopback address)", expected: "{ address: '::1', family: 'IPv6', port: … }", actual: JSON.stringify(got), hint: HINT.hostPort });
    }
    if (JSON.stringify(sixEcho.address) !== JSON.stringify(got)) {
      fail({ message: "on '::1', the address startEchoServer() resolved with is not where the server listens", expected: `what server.address() reports: ${JSON.stringify(got)}`, actual: show(JSON.stringify(sixEcho.address) ?? String(sixEcho.address)), hint: "Resolve with the object server.address() returns, as it is: an address put together from the options gets the family wrong ('IPv6' for '::1')." });
    }
  });

  test('echoes every byte back unchanged, binary and 6 MB, and ends when the client ends [1.1]', async () => {
    const { port } = await start();
    const client = await connect(port, 'your echo server');
    // More than the socket buffers hold: when the client's FIN arrives, much of the echo may still
    // be queued in the server, and a connection torn down (destroy()) instead of ended loses it.
    const all = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < all.length; i++) all[i] = (i * 7 + (i >> 8)) & 0xff; // every byte value, invalid UTF-8 included
    await client.write(all);
    client.end();
    await withHint(expectAllBytesThenEnd(client, all, 'the echo of 6 MB of arbitrary bytes', HINT.binary), () => {
      const got = client.unread;
      if (got.length < all.length && all.subarray(0, got.length).equals(got)) return client.ended || client.closed ? HINT.graceful : HINT.stalled;
      return got.includes(Buffer.from([0xef, 0xbf, 0xbd])) ? HINT.binary : HINT.echo;
    });
  });

  test('ends its side when the client ends, after echoing the last bytes [1.1]', async () => {
    const { port } = await start();
    const client = await connect(port, 'your echo server');
    await client.write('last words');
    client.end();
    await client.expectNext('last words', 'the echo of "last words", sent just before the client ended its side', HINT.echo);
    await client.expectEnd('your server to end the connection after the client ended its side', HINT.endWithClient);
  });

  test('delivers the echo still queued in the server when the client ends, then ends [1.1]', async () => {
    await echoQueuedWhenClientEnds('below');
  });

  test('delivers every byte it read when the client ends while a slow reader holds up the echo [1.1]', async () => {
    await echoQueuedWhenClientEnds('beyond');
  });

  test('serves several clients at once, each getting only its own bytes [1.1]', async () => {
    const { port } = await start();
    const [alice, bob, carol] = [await connect(port, 'your echo server'), await connect(port, 'your echo server'), await connect(port, 'your echo server')];
    await alice.write('alice 1 ');
    await bob.write('bob 1 ');
    await carol.write('carol 1 ');
    await bob.expectNext('bob 1 ', "the echo of bob's bytes", HINT.ownBytes);
    await alice.expectNext('alice 1 ', "the echo of alice's bytes", HINT.ownBytes);
    await carol.expectNext('carol 1 ', "the echo of carol's bytes", HINT.ownBytes);
    await echoes(alice, 'alice 2', HINT.ownBytes);
  });

  test('rejects with the EADDRINUSE error when the port is taken, instead of crashing [1.3]', async () => {
    const taken = await serve();
    const settled = callStart({ port: taken.port, host: HOST }).then(
      (seen) => ({ ok: true as const, seen }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const o = await within(settled, `startEchoServer() to reject: port ${taken.port} is already taken`, { hint: HINT.inUse });
    if (o.ok) {
      if (isServer(o.seen.echo?.server)) adoptServer(o.seen.echo.server, 'the server');
      fail({ message: 'startEchoServer() resolved although the port was taken', expected: 'a rejected promise (EADDRINUSE)', actual: `resolved, listening: ${o.seen.listening}, address ${JSON.stringify(o.seen.address)}`, hint: HINT.inUse });
    }
    if ((o.error as { netlings?: unknown })?.netlings) throw o.error; // TODO or a crash: report as is
    const err = o.error as NodeJS.ErrnoException;
    if (!(err instanceof Error) || err.code !== 'EADDRINUSE') {
      fail({ message: 'startEchoServer() rejected, but not with the error the server emitted', expected: "the server's Error, with code 'EADDRINUSE'", actual: err instanceof Error ? `an Error with code ${show(String(err.code))}: ${show(err.message)}` : show(String(err)), hint: HINT.inUse });
    }
    if (err.syscall !== 'listen' || (err as { port?: number }).port !== taken.port) {
      fail({ message: "startEchoServer() rejected with an EADDRINUSE error of its own making, not the server's", expected: `the server's error itself (syscall 'listen', port ${taken.port})`, actual: `syscall ${show(String(err.syscall))}, port ${(err as { port?: number }).port}`, hint: 'Reject with the very error object the server emitted: server.once(\'error\', reject).' });
    }
  });

  test('keeps serving other clients after one resets its connection [1.4]', async () => {
    const { port, probe } = await start();
    // A client that resets before sending a single byte: its socket's first event is the error.
    const early = await connect(port, 'your echo server');
    const earlySide = await probe.serverSideOf(early);
    early.reset();
    await probe.closed(earlySide, 'your server to close the connection of a client that reset before sending anything', HINT.reset);
    await echoingClient(port, 'a client after the first reset');
    const rude = await echoingClient(port, 'a client that will reset');
    // Reset only after a full round trip: the server has read everything, so it reads the reset
    // as ECONNRESET (a reset right behind data may be read as a normal end).
    const side = await probe.serverSideOf(rude);
    rude.reset();
    await probe.closed(side, 'your server to close the connection of the client that reset', HINT.reset);
    await echoingClient(port, 'a client after the reset');
  });

  test('drops the clients beyond maxConnections at once, and serves again once one has left [1.5]', async () => {
    const { port, probe } = await start({ maxConnections: 2 });
    const a = await echoingClient(port, 'client A');
    await echoingClient(port, 'client B'); // exactly maxConnections clients are served
    const c = await connect(port, 'your echo server');
    const fate = await probe.fateOf(c, 'your server to drop client C, the third with maxConnections: 2', HINT.maxConnections);
    if (fate === 'accepted' || probe.drops !== 1) {
      fail({ message: 'with maxConnections: 2 and two clients connected, a third was not dropped by Node', expected: "the server to emit 'drop' and close the connection", actual: fate === 'accepted' ? 'your server accepted it' : `the connection closed without a 'drop' event`, hint: HINT.maxConnections });
    }
    if (c.unread.length) fail({ message: 'a dropped client received data', expected: 'nothing', actual: show(c.text()), hint: HINT.maxConnections });
    await echoes(a, 'still here\n');
    a.end();
    await probe.closedOnServer(a, 'your server to close the connection of client A, which ended', HINT.endWithClient);
    await echoingClient(port, 'client D, after A left');
  });

  test('has no limit without maxConnections: 20 clients at once are all served [1.5, 1.6]', async () => {
    const { echo, port } = await start();
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect(port, 'your echo server')));
    await Promise.all(clients.map((c, i) => echoes(c, `client ${i}\n`)));
    const dropped = await within(method(echo, 'dropped'), 'dropped() to return');
    if (dropped !== 0) fail({ message: 'dropped() counts connections that were not dropped', expected: '0', actual: show(String(dropped)), hint: HINT.dropped });
  });

  test('dropped() counts the connections dropped so far [1.6]', async () => {
    const { echo, port, probe } = await start({ maxConnections: 1 });
    const none = await within(method(echo, 'dropped'), 'dropped() to return');
    if (none !== 0) fail({ message: 'dropped() should be 0 before any connection was dropped', expected: '0', actual: show(String(none)), hint: HINT.dropped });
    await echoingClient(port, 'the one client allowed');
    for (const n of [1, 2]) {
      // Waiting for the drop starts before the client connects, so dropped() is asked right
      // after the server's 'drop' event: the moment the connection counts as dropped.
      const dropping = probe.dropsReach(n, `the server to drop extra client ${n} (maxConnections: 1)`, HINT.maxConnections);
      const extra = connect(port, 'your echo server');
      extra.catch(() => {}); // awaited below
      await dropping;
      const count = await within(method(echo, 'dropped'), 'dropped() to return');
      if (count !== n) {
        // A count that is right a moment later was updated late; otherwise it misses drops.
        await roundTrip();
        const later = await within(method(echo, 'dropped'), 'dropped() to return');
        fail({ message: `dropped() right after the server dropped connection ${n} (its 'drop' event)`, expected: String(n), actual: `${show(String(count))}${later === n ? `, and ${n} a moment later` : ''}`, hint: later === n ? HINT.droppedLate : HINT.dropped });
      }
      await (await extra).waitForEnd(`the dropped client ${n} to see its connection close`, HINT.maxConnections);
    }
  });
});

describe('Task 2: connections()', () => {
  test('counts the open connections: none, three, then fewer as clients end or reset [2.1]', async () => {
    const { echo, port, probe } = await start();
    await expectCount(echo, 0, 'before any client connected');
    const [a, b] = [await echoingClient(port, 'client A'), await echoingClient(port, 'client B'), await echoingClient(port, 'client C')];
    await expectCount(echo, 3, 'with three clients connected');
    a.end();
    await probe.closedOnServer(a, 'your server to close the connection of client A, which ended', HINT.endWithClient);
    await expectCount(echo, 2, 'after client A ended its connection and it closed');
    const sideOfB = await probe.serverSideOf(b);
    b.reset();
    await probe.closed(sideOfB, 'your server to close the connection of client B, which reset', HINT.reset);
    await expectCount(echo, 1, 'after client B reset its connection and it closed');
  });

  test('counts a client from the moment the server accepts it [2.1]', async () => {
    const { echo, port, probe } = await start();
    const clients: Promise<Peer>[] = [];
    for (const k of [1, 2, 3]) {
      // Waiting for the accept starts before the client connects, so connections() is asked
      // right after the server's 'connection' event: from then on, the connection counts.
      const accepting = probe.acceptedReach(k, `your server to accept client ${k}`, HINT.accept);
      const client = connect(port, 'your echo server');
      client.catch(() => {}); // awaited below
      clients.push(client);
      await accepting;
      await expectCountAtOnce(echo, k, `right after your server accepted client ${k} (its 'connection' event)`);
    }
    for (const [i, client] of clients.entries()) await echoes(await client, `client ${i + 1} is served\n`);
  });

  test('does not count dropped connections [2.1]', async () => {
    const { echo, port, probe } = await start({ maxConnections: 1 });
    await echoingClient(port, 'the one client allowed');
    const extra = await connect(port, 'your echo server');
    await probe.dropsReach(1, 'the server to drop the extra client (maxConnections: 1)', HINT.maxConnections);
    await extra.waitForEnd('the dropped client to see its connection close', HINT.maxConnections);
    await expectCount(echo, 1, 'with one client served and one dropped');
  });

  test('keeps counting while the server stops, and counts 0 once it has stopped [2.2]', async () => {
    const { echo, port, probe } = await start();
    const [a, b] = [await echoingClient(port, 'client A'), await echoingClient(port, 'client B')];
    const sideOfB = await probe.serverSideOf(b);
    const stopping = watchSettle(method(echo, 'stop'));
    await expectCount(echo, 2, 'while stop() waits for two open connections');
    a.end();
    await probe.closedOnServer(a, 'your server to close the connection of client A, which ended', HINT.endWithClient);
    await expectCount(echo, 1, 'while stopping, after client A left');
    b.end();
    await within(stopping.promise, 'stop() to resolve after the last client left', { hint: HINT.waitForConnections });
    // The server's 'close' comes a tick before the last socket's 'close': count once both happened.
    await probe.closed(sideOfB, 'your server to close the connection of client B, which ended', HINT.endWithClient);
    await expectCount(echo, 0, 'after stop() resolved');
  });
});

describe('Task 3: stop()', () => {
  test('refuses new clients as soon as stop() has returned [3.1]', async () => {
    const { echo, port } = await start();
    const a = await echoingClient(port, 'client A'); // keeps the server busy: stop() cannot finish yet
    const stopping = watchSettle(method(echo, 'stop'));
    const late = await attemptConnect(port, 'your stopping server');
    const now = stopping.now;
    if (now.state === 'rejected' && (now.error as { netlings?: unknown })?.netlings) throw now.error; // TODO or a throw
    if (late.peer) {
      fail({ message: 'a client that connected after stop() returned was accepted', expected: 'the connection to be refused (ECONNREFUSED)', actual: 'it connected', hint: HINT.refuse });
    }
    if (late.error.code !== 'ECONNREFUSED') {
      fail({ message: 'a client that connected after stop() returned was not refused outright', expected: 'ECONNREFUSED', actual: `${late.error.code}: the server still took the connection, then lost it`, hint: HINT.refuse });
    }
    a.end();
    await within(stopping.promise, 'stop() to resolve after the last client left', { hint: HINT.waitForConnections });
  });

  test('keeps serving the open connections after stop() until their clients end them [3.2]', async () => {
    const { echo, port } = await start();
    const [a, b] = [await echoingClient(port, 'client A'), await echoingClient(port, 'client B')];
    const stopping = watchSettle(method(echo, 'stop'));
    await echoes(a, 'A is still talking\n', HINT.dontCut);
    await echoes(b, 'so is B\n', HINT.dontCut);
    await echoes(a, 'A, once more\n', HINT.dontCut);
    a.end();
    b.end();
    await within(stopping.promise, 'stop() to resolve after the last client left', { hint: HINT.waitForConnections });
  });

  test('never cuts the open connections, however long stop() has to wait for their clients [3.2, 3.3]', async () => {
    const { echo, port, probe } = await start();
    const [a, b] = [await echoingClient(port, 'client A'), await echoingClient(port, 'client B')];
    // Ten minutes pass for your timers in no time (a fake clock, which otherwise keeps pace with
    // the real one): a deadline after which stop() ends or destroys the connections that are
    // still open shows up without a sleep.
    const clock = fakeLearnerClock();
    const stopping = watchSettle(method(echo, 'stop'));
    await clock.pass(10 * 60_000);
    await roundTrip(); // what the learner's timers started (a destroy, an end) has taken effect
    const now = stopping.now;
    if (now.state === 'rejected' && (now.error as { netlings?: unknown })?.netlings) throw now.error; // TODO or a throw
    const cut = probe.accepted.filter((s) => s.socket.destroyed || s.socket.writableEnded).length;
    if (cut) {
      fail({ message: 'stop() cut open connections once time had passed', expected: 'both connections open until their clients end them, however long that takes', actual: `10 minutes (on your timers' clock) after stop(), with both clients still connected, your server had ended or destroyed ${cut === 1 ? 'one of them' : 'both'}`, hint: HINT.noDeadline });
    }
    if (now.state !== 'pending') {
      fail({ message: `stop() ${now.state} after 10 minutes (on your timers' clock) with two connections still open`, expected: 'stop() to wait until every open connection has closed, however long that takes', actual: `it ${now.state}`, hint: HINT.noDeadline });
    }
    await echoes(a, 'A, ten minutes later\n', HINT.noDeadline);
    await echoes(b, 'B, ten minutes later\n', HINT.noDeadline);
    a.end();
    b.end();
    await within(stopping.promise, 'stop() to resolve after the last client left', { hint: HINT.waitForConnections });
  });

  test('resolves only once the last open connection has closed [3.3]', async () => {
    const { echo, port, probe } = await start();
    const [a, b] = [await echoingClient(port, 'client A'), await echoingClient(port, 'client B')];
    // The server's sides of A and B, in the order they connected (nothing else connects here):
    // taken from the probe, since a server that wrongly closes them may already have, and a
    // closed client socket no longer knows its port.
    const [sideOfA, sideOfB] = probe.accepted;
    const stopping = watchSettle(method(echo, 'stop'));
    const notYet = async (situation: string) => {
      await roundTrip();
      const now = stopping.now;
      if (now.state === 'rejected' && (now.error as { netlings?: unknown })?.netlings) throw now.error;
      if (now.state !== 'pending') {
        fail({ message: `stop() ${now.state} ${situation}`, expected: 'stop() to wait until every open connection has closed', actual: `it ${now.state} while ${probe.open} connection(s) were still open`, hint: HINT.waitForConnections });
      }
    };
    await notYet('right away, with two clients connected');
    a.end();
    await probe.closed(sideOfA, 'your server to close the connection of client A, which ended', HINT.endWithClient);
    await echoes(b, 'B is still here\n', HINT.dontCut);
    await notYet('when one of two clients had left');
    b.end();
    await probe.closed(sideOfB, 'your server to close the connection of client B, which ended', HINT.endWithClient);
    await within(stopping.promise, 'stop() to resolve after the last client left', { hint: HINT.waitForConnections });
    if (echo.server.listening) fail({ message: 'stop() resolved but the server is still listening', expected: 'server.listening === false', actual: 'true', hint: HINT.refuse });
  });

  test('resolves at once when no connection is open [3.3]', async () => {
    const { echo, port, probe } = await start();
    const gone = await echoingClient(port, 'a client that leaves before stop()');
    gone.end();
    await probe.closedOnServer(gone, 'your server to close the connection of the client that ended', HINT.endWithClient);
    await within(method(echo, 'stop'), 'stop() to resolve: no connection is open', { hint: HINT.waitForConnections });
    if (echo.server.listening) fail({ message: 'stop() resolved but the server is still listening', expected: 'server.listening === false', actual: 'true', hint: HINT.refuse });
  });

  test('rejects a second stop() with ERR_SERVER_NOT_RUNNING [3.4]', async () => {
    const { echo } = await start();
    await within(method(echo, 'stop'), 'the first stop() to resolve: no connection is open', { hint: HINT.waitForConnections });
    const second = method(echo, 'stop').then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const o = await within(second, 'the second stop() to reject: the server is not running', { hint: HINT.secondStop });
    if (o.ok) fail({ message: 'a second stop() resolved, but the server was not running any more', expected: "a rejection with code 'ERR_SERVER_NOT_RUNNING'", actual: 'it resolved', hint: HINT.secondStop });
    if ((o.error as { netlings?: unknown })?.netlings) throw o.error;
    const code = (o.error as NodeJS.ErrnoException)?.code;
    if (!(o.error instanceof Error) || code !== 'ERR_SERVER_NOT_RUNNING') {
      fail({ message: 'a second stop() rejected with the wrong error', expected: "an Error with code 'ERR_SERVER_NOT_RUNNING'", actual: o.error instanceof Error ? `an Error with code ${show(String(code))}` : show(String(o.error)), hint: HINT.secondStop });
    }
  });
});
