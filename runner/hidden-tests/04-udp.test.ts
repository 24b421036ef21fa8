// Hidden tests for lesson 04: a UDP echo server and a request function with timeout and retries.
// try: createEchoServer() bound on PORT
// The checks' clients are CONNECTED sockets (they only accept replies from the port they sent
// to), they send one datagram at a time and wait for its answer (the kernel drops bursts), and
// loss is made deterministic by a proxy that drops the first N datagrams. Timing is only ever
// checked with generous bounds, never exact durations.
import type dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, test } from 'vitest';
import { byteDifference, showBytes } from '../harness/bytes.ts';
import { todoOrRethrow, useExercise } from '../harness/exercise.ts';
import { fail, show } from '../harness/failure.ts';
import { startProbe } from '../harness/leftovers.ts';
import { bindLearnerSocket, closedUdpPort, udpServer } from '../harness/udp.ts';
import { UDP_HOST, UdpPeer } from '../harness/udp-peer.ts';
import { lossyProxy } from '../harness/udp-proxy.ts';
import { hasOtherLoopback, OTHER_LOOPBACK } from '../harness/other-loopback.ts';
import { DEFAULT_MAX_DATAGRAM, MAX_IPV4_DATAGRAM } from '../harness/udp-tracking.ts';
import { within } from '../harness/wait.ts';

interface RequestOptions {
  timeoutMs: number;
  tries: number;
}
interface Lesson04 {
  createEchoServer(): dgram.Socket;
  request(port: number, host: string, message: Buffer, options: RequestOptions): Promise<Buffer>;
}

const lesson = useExercise<Lesson04>('04-udp');

const HINT = {
  noReply:
    "Answer each 'message' with socket.send(message, rinfo.port, rinfo.address) on the socket that received it: a reply from another socket comes from another port, and the client never sees it.",
  sameBytes: "Send back the Buffer you received, unchanged: socket.send(message, rinfo.port, rinfo.address).",
  decoded: 'Bytes that are not valid UTF-8 turn into U+FFFD (ef bf bd) when decoded as text. Keep the Buffer as it is: never call toString() on the data.',
  split: "One datagram in, one datagram out: UDP keeps message boundaries, and up to the system's limit (65,507 bytes on Linux) fits in one datagram. Send the whole Buffer in one send().",
  merged: 'Answer each datagram on its own, at once: UDP keeps message boundaries, so never join datagrams together.',
  duplicate: "Send exactly one reply per datagram: check that you call send() once per 'message' and add the 'message' listener only once.",
  decodedTooBig:
    "Your server echoed a short datagram but sent nothing back for this one. If it changes the data (toString() turns each byte that is not valid UTF-8 into 3 bytes), the reply can grow past the system's limit (65,507 bytes on Linux, 9,216 on macOS), and send() then fails without a word. Send back the Buffer you received, unchanged.",
  empty: "An empty datagram is still a datagram: its 'message' event carries an empty Buffer. Send it back like any other.",
  perSender: "Reply to the rinfo of THIS 'message' (rinfo.address, rinfo.port), not to a sender you remembered from before.",
  bound: "Return the socket without calling bind(): the checks bind it to 127.0.0.1 with a port of their choosing.",
  exactBytes: 'Send the Buffer you were given, unchanged, in one send(): no toString(), no splitting.',
  replyBuffer: "Resolve with the Buffer the 'message' event gave you, unchanged: no toString().",
  ownSocket: 'Create a new socket inside request(), for each call: a socket shared between calls mixes up their replies.',
  filter:
    'Only a reply from host:port counts. Call socket.connect(port, host) and then send(message): a connected socket only receives datagrams from that address and port.',
  retry:
    "Start a timer after each send; when it fires without a reply, send again, until you have sent `tries` datagrams. Clear the timer when the reply arrives.",
  spacing: 'Wait the full timeoutMs after each send before the next try: start one timer per send, not all at once.',
  sameSocket: "Send every try from the same socket: a reply to the first try may arrive after the second was sent, and it still counts.",
  lastWait: "After the last try, wait the full timeoutMs for its reply as after every other try, and only then reject with ETIMEDOUT.",
  tries: 'Count the datagrams you send: the first one counts as a try, so send at most `tries` in all, then give up.',
  timedOut: "After the last try's timeout, reject with an Error whose code is 'ETIMEDOUT': Object.assign(new Error('…'), { code: 'ETIMEDOUT' }).",
  refused:
    "Use a connected socket (socket.connect(port, host)): the system then reports a closed port as an 'error' event with code ECONNREFUSED. Reject with it at once.",
  tooBig: "Pass a callback to send(): it gets the error (EMSGSIZE) when the datagram cannot be sent. Reject with it at once instead of waiting for a reply.",
  cleanup: 'When the promise settles, call clearTimeout() on your timer and socket.close(): a finished request must leave nothing running.',
};

/** Every byte value, then sequences that are not valid UTF-8. */
const BINARY = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xc3, 0x28, 0xe2, 0x82, 0xff, 0xfe, 0x80, 0x0d, 0x0a])]);
/** The largest datagram the learner's socket can send with default settings on this system. */
const BIG = DEFAULT_MAX_DATAGRAM;
const BIG_SIZE = `${BIG.toLocaleString('en')}-byte`;
const big = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff));
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/** The hint that fits what came back instead of `sent`. */
function echoHint(sent: Buffer) {
  return (got: Buffer | undefined): string => {
    if (got === undefined) return sent.length === 0 ? HINT.empty : HINT.noReply;
    if (got.length < sent.length && sent.subarray(0, got.length).equals(got)) return HINT.split;
    if (got.length > sent.length && got.subarray(0, sent.length).equals(sent)) return HINT.merged;
    if (got.includes(REPLACEMENT) && !sent.includes(REPLACEMENT)) return HINT.decoded;
    return HINT.sameBytes;
  };
}

async function startEchoServer(): Promise<number> {
  return bindLearnerSocket(await lesson.call('createEchoServer'), 'createEchoServer()');
}

/** Sends from a check's client; a send the system refuses (the server's socket is gone) is a failure, not a crash. */
async function send(client: UdpPeer, data: Buffer | string): Promise<void> {
  await client.send(data).catch((err: NodeJS.ErrnoException) =>
    fail({
      message: `the test client could not send ${show(data.toString())}: ${err.code ?? err.message}`,
      expected: 'your server to keep its socket open and answer every datagram',
      actual: err.code === 'ECONNREFUSED' ? "nothing listens on your server's port any more" : `${err.code ?? err.message}`,
      hint: 'Keep the socket open and answer every datagram: never close() it yourself (the checks close it when they are done).',
    }),
  );
}

async function roundTrip(client: UdpPeer, data: Buffer, what: string, hintFor = echoHint(data)) {
  await send(client, data);
  await client.expectNext(data, what, hintFor);
}

/** A client whose first, ordinary datagram was echoed: later silence is about the edge case. */
async function echoingClient(port: number): Promise<UdpPeer> {
  const client = await UdpPeer.connect(port, 'your server');
  await roundTrip(client, Buffer.from('warm-up'), 'the echo of "warm-up"');
  return client;
}

/** When an ordinary datagram was echoed but this one gets no answer at all. */
const silentOn = (sent: Buffer, whenSilent: string) => (got: Buffer | undefined) => (got === undefined ? whenSilent : echoHint(sent)(got));

describe('Task 1: createEchoServer()', () => {
  test('returns a udp4 socket that is not bound yet [1.1]', async () => {
    await startEchoServer();
  });

  test('sends a datagram back to its sender [1.2, 1.3]', async () => {
    const client = await UdpPeer.connect(await startEchoServer(), 'your server');
    await roundTrip(client, Buffer.from('hello, datagram'), 'the echo of "hello, datagram"');
  });

  test('answers each datagram with exactly one datagram [1.2]', async () => {
    const client = await UdpPeer.connect(await startEchoServer(), 'your server');
    const words = ['one', 'two', 'three', 'and the last'];
    for (const [i, word] of words.entries()) {
      await client.send(word);
      // A copy of an earlier reply where this one should be: the server answered twice.
      const hint = (got: Buffer | undefined) => (got && words.slice(0, i).some((w) => got.equals(Buffer.from(w))) ? HINT.duplicate : echoHint(Buffer.from(word))(got));
      await client.expectNext(Buffer.from(word), `the echo of "${word}"`, hint);
    }
  });

  test('keeps every byte of binary data, also bytes that are not valid UTF-8 [1.2]', async () => {
    const client = await echoingClient(await startEchoServer());
    await roundTrip(client, BINARY, `the echo of ${BINARY.length} binary bytes (every byte value, then invalid UTF-8)`, silentOn(BINARY, HINT.decodedTooBig));
  });

  test('answers an empty datagram with an empty datagram [1.2]', async () => {
    const client = await echoingClient(await startEchoServer());
    await roundTrip(client, Buffer.alloc(0), 'the echo of an empty datagram', silentOn(Buffer.alloc(0), HINT.empty));
    // The server still answers normally afterwards.
    await roundTrip(client, Buffer.from('after empty'), 'the echo of "after empty", sent after the empty datagram');
  });

  test('echoes a datagram of the largest size in one piece (65,507 bytes on Linux) [1.2]', async () => {
    const client = await echoingClient(await startEchoServer());
    const data = big(BIG);
    await roundTrip(client, data, `the echo of a ${BIG_SIZE} datagram`, silentOn(data, HINT.decodedTooBig));
  });

  test('answers datagrams that arrive back to back one by one, never merged [1.2]', async () => {
    const client = await echoingClient(await startEchoServer());
    const words = ['first', 'second', 'third'];
    for (const word of words) await send(client, word);
    const replies: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const got = await client.next(`the echo of "${words[i]}" (three datagrams were sent back to back)`, HINT.merged);
      const text = got.toString('latin1');
      if (!words.includes(text) || replies.includes(text)) {
        fail({
          message: 'a reply was not the echo of one of the three datagrams',
          expected: 'three replies: "first", "second" and "third", each in a datagram of its own',
          actual: `${showBytes(got)} after ${replies.length} good one(s)`,
          hint: got.length > 6 && words.some((w) => text.startsWith(w)) ? HINT.merged : replies.includes(text) ? HINT.duplicate : HINT.sameBytes,
        });
      }
      replies.push(text);
    }
  });

  test('answers several clients, each at its own address and port [1.3]', async () => {
    const port = await startEchoServer();
    const [alice, bob, carol] = [await UdpPeer.connect(port, 'your server'), await UdpPeer.connect(port, 'your server'), await UdpPeer.connect(port, 'your server')];
    for (const [client, name] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol'], [alice, 'alice again'], [bob, 'bob again']] as const) {
      const data = Buffer.from(`from ${name}`);
      // Once alice got her echo, silence towards another client means the reply went elsewhere.
      await roundTrip(client, data, `the echo of "from ${name}", at ${name.split(' ')[0]}'s own port`, name === 'alice' ? echoHint(data) : silentOn(data, HINT.perSender));
    }
  });

  test('replies to the address a datagram came from, also when it is not 127.0.0.1 [1.3]', async () => {
    // Where 127.0.0.2 exists (Linux: all of 127.0.0.0/8 is loopback): a reply sent to
    // 'localhost' or '127.0.0.1' instead of rinfo.address never reaches this client.
    if (!(await hasOtherLoopback())) return;
    const port = await startEchoServer();
    const client = await UdpPeer.connectFrom(OTHER_LOOPBACK, port, 'your server');
    const data = Buffer.from(`from ${OTHER_LOOPBACK}`);
    await roundTrip(client, data, `the echo of "from ${OTHER_LOOPBACK}", sent to ${OTHER_LOOPBACK}, where it came from`, (got) =>
      got === undefined ? "Send the reply to rinfo.address as well as rinfo.port: without an address (or with 'localhost' or '127.0.0.1'), it goes to 127.0.0.1, and this client is on 127.0.0.2." : echoHint(data)(got),
    );
  });

  test('replies from the port the datagram was sent to, not from another socket [1.3]', async () => {
    const port = await startEchoServer();
    // An unconnected client sees replies from anywhere, so it can say where the reply came from.
    const observer = await udpServer();
    await observer.send('who answers?', port);
    const [reply] = await observer.waitFor(1, 'a reply to "who answers?" from any port', HINT.noReply);
    if (reply.from.port !== port) {
      fail({
        message: 'the reply came from another port than the one the client sent to',
        expected: `a reply from ${UDP_HOST}:${port}, the port your server is bound to`,
        actual: `a reply from ${reply.from.address}:${reply.from.port}`,
        hint: 'Reply with the socket that received the datagram (the one createEchoServer() returns), not with a new socket: a new socket has a port of its own.',
      });
    }
  });
});

const ok = <T>(value: T) => ({ resolved: true as const, value });
const ko = (error: unknown) => ({ resolved: false as const, error });

/** Calls request() and starts watching what it leaves behind. */
function startRequest(port: number, message: Buffer, options: RequestOptions, host = UDP_HOST) {
  const probe = startProbe();
  const reply: Promise<Buffer> = lesson.call('request', port, host, message, options).catch((err: unknown) => todoOrRethrow('request', lesson.file, err));
  reply.catch(() => {}); // handled wherever it is awaited
  return {
    probe,
    /** Settles when request() does, however it does. */
    settled: reply.then(
      () => {},
      () => {},
    ),
    /** When the check saw request() settle (performance.now() ms): never earlier than it did. */
    settledAt: reply.then(
      () => performance.now(),
      () => performance.now(),
    ),
    /**
     * Waits until `count` tries reached `server`, which never answers. request() settling first
     * ends the wait: a TODO or a throw is reported as such, giving up after fewer tries fails.
     */
    async tries(server: Awaited<ReturnType<typeof udpServer>>, count: number, what: string, ms: number) {
      await server.waitFor(count, what, HINT.retry, { ms, endedBy: this.settled });
      // On a busy machine request()'s last timer can run before the poll phase that reads a try
      // already in the server's socket buffer: let two turns pass before counting.
      for (let turn = 0; turn < 2 && server.received.length < count; turn++) await nextTurn();
      if (server.received.length >= count) return;
      const o = await this.outcome('request() to settle', HINT.retry, ms);
      const how = o.resolved ? 'resolved' : `rejected${(o.error as NodeJS.ErrnoException)?.code ? ` with ${(o.error as NodeJS.ErrnoException).code}` : ''}`;
      fail({ message: `request() ${how} after ${server.received.length} of ${count} tries reached a server that never answers`, expected: `${count} tries, then giving up`, actual: `${server.received.length} tries`, hint: HINT.retry });
    },
    /** How request() settled, within `ms`; a TODO or a throw is reported as such. */
    async outcome(waitingFor: string, hint: string, ms: number) {
      const o = await within(reply.then(ok, ko), waitingFor, { hint, ms });
      if (!o.resolved && (o.error as { netlings?: unknown })?.netlings) throw o.error;
      return o;
    },
  };
}

type Outcome = Awaited<ReturnType<ReturnType<typeof startRequest>['outcome']>>;

/**
 * A rejection whose code says send() ran before connect() had finished: an unconnected send()
 * reads the callback as the port (ERR_SOCKET_BAD_PORT) or has nowhere to go. That hint, whatever
 * the check looked at.
 */
function rejectionHint(error: unknown, fallback: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ERR_SOCKET_BAD_PORT' || code === 'ERR_SOCKET_DGRAM_NOT_CONNECTED') {
    return "connect() finishes later, on a later turn: until then the socket is not connected, and send(message, callback) takes your callback for a port. Send inside connect()'s callback (or on its 'connect' event).";
  }
  return fallback;
}

/** request() settled by rejecting before anything reached the server: say so, with its error. */
function expectSentFirst(o: Outcome, server: { received: readonly unknown[] }, what: string): void {
  if (o.resolved || server.received.length) return;
  const e = o.error as NodeJS.ErrnoException;
  fail({
    message: `request() rejected before ${what} reached the server`,
    expected: `${what} sent first`,
    actual: `rejected with ${e?.code ? `${e.code}: ` : ''}${show(String(e?.message ?? e))}, nothing sent`,
    hint: rejectionHint(e, 'request() should only settle after a reply, or after its last try timed out.'),
  });
}

/** Fails unless request() resolved with exactly `expected`. */
function expectReply(o: Outcome, expected: Buffer, what: string, hints: { rejected: string; other?: (got: Buffer) => string }) {
  if (!o.resolved) {
    const code = (o.error as NodeJS.ErrnoException)?.code;
    fail({ message: `request() rejected instead of resolving with ${what}`, expected: showBytes(expected), actual: `rejected with ${code ?? show(String(o.error))}`, hint: rejectionHint(o.error, hints.rejected) });
  }
  if (!Buffer.isBuffer(o.value)) {
    fail({ message: `request() resolved with a ${typeof o.value}, not a Buffer`, expected: `a Buffer: ${showBytes(expected)}`, actual: show(String(o.value)), hint: HINT.replyBuffer });
  }
  if (!o.value.equals(expected)) {
    const where = byteDifference(expected, o.value);
    const hint = o.value.includes(REPLACEMENT) && !expected.includes(REPLACEMENT) ? HINT.decoded : hints.other?.(o.value) ?? HINT.replyBuffer;
    fail({ message: `request() resolved with other bytes than ${what}${where ? `: ${where}` : ''}`, expected: showBytes(expected), actual: showBytes(o.value), hint });
  }
}

/** Fails unless request() rejected with an Error whose code is `code`. */
function expectRejection(o: Outcome, code: string, hint: string) {
  if (o.resolved) fail({ message: 'request() resolved although it should have failed', expected: `a rejection with code ${code}`, actual: `resolved with ${Buffer.isBuffer(o.value) ? showBytes(o.value) : show(String(o.value))}`, hint });
  const got = (o.error as NodeJS.ErrnoException)?.code;
  if (!(o.error instanceof Error) || got !== code) {
    fail({
      message: `request() rejected, but not with an Error whose code is ${code}`,
      expected: `an Error with code ${show(code)}`,
      actual: o.error instanceof Error ? `an Error with code ${got === undefined ? 'undefined' : show(got)}: ${o.error.message}` : `${typeof o.error}: ${String(o.error)}`,
      hint: code === 'ETIMEDOUT' && got === 'ETIMEOUT' ? "Spell it ETIMEDOUT, as the system does (ETIMEOUT, without D, is the DNS resolver's code)." : hint,
    });
  }
}

/** A server that answers every datagram with `reply(data)`. */
const answering = (reply: (data: Buffer) => Buffer | string, host?: string) => udpServer((d, send) => void send(reply(d.data)), host);
const quick = { timeoutMs: 1000, tries: 2 };

describe('Task 2: request()', () => {
  test('sends the message to host:port as one datagram, byte for byte [2.1]', async () => {
    const server = await answering(() => 'ok');
    const req = startRequest(server.port, BINARY, quick);
    const o = await req.outcome('request() to settle after the server answered "ok"', HINT.filter, 2000);
    expectSentFirst(o, server, 'the message');
    const [first] = await server.waitFor(1, 'your request to arrive', HINT.exactBytes);
    const where = byteDifference(BINARY, first.data);
    if (where) fail({ message: `the datagram that arrived was not the message you were given: ${where}`, expected: showBytes(BINARY), actual: showBytes(first.data), hint: first.data.includes(REPLACEMENT) ? HINT.decoded : HINT.exactBytes });
  });

  test('sends to the host it is given, not to localhost [2.1]', async () => {
    // Where 127.0.0.2 exists (Linux): a request that connects to the port alone, or to
    // 'localhost', goes to 127.0.0.1, where nothing listens on that port.
    if (!(await hasOtherLoopback())) return;
    const server = await answering(() => 'ok', OTHER_LOOPBACK);
    const req = startRequest(server.port, Buffer.from('over there'), quick, OTHER_LOOPBACK);
    const hint = `Connect to the host you were given: socket.connect(port, host). Without a host, Node sends to localhost (127.0.0.1), and this server is on ${OTHER_LOOPBACK}.`;
    const o = await req.outcome(`request() to settle after the server on ${OTHER_LOOPBACK} answered "ok"`, hint, 2000);
    expectReply(o, Buffer.from('ok'), `the reply "ok" from ${OTHER_LOOPBACK}`, { rejected: server.received.length ? HINT.filter : hint });
  });

  test('sends an empty message as an empty datagram [2.1]', async () => {
    const server = await answering(() => 'ok');
    const req = startRequest(server.port, Buffer.alloc(0), quick);
    const o = await req.outcome('request() to settle after the server answered "ok"', HINT.filter, 2000);
    expectSentFirst(o, server, 'the empty message');
    const [first] = await server.waitFor(1, 'your empty request to arrive', HINT.exactBytes);
    if (first.data.length !== 0) fail({ message: 'the datagram that arrived was not empty', expected: 'an empty datagram (0 bytes)', actual: showBytes(first.data), hint: HINT.exactBytes });
  });

  test('sends a message of the largest size in one datagram (65,507 bytes on Linux) [2.1]', async () => {
    const message = big(BIG);
    const server = await answering(() => 'ok');
    const req = startRequest(server.port, message, quick);
    const o = await req.outcome('request() to settle after the server answered "ok"', HINT.split, 2000);
    expectSentFirst(o, server, `the ${BIG_SIZE} message`);
    const [first] = await server.waitFor(1, `your ${BIG_SIZE} request to arrive`, HINT.split);
    const where = byteDifference(message, first.data);
    if (where) fail({ message: `the first datagram that arrived was not the whole message: ${where}`, expected: showBytes(message), actual: showBytes(first.data), hint: HINT.split });
  });

  test('uses a socket of its own for each call: two requests at once get their own replies [2.1]', async () => {
    // The server waits for both requests, then answers the second one first.
    const waiting: { data: Buffer; send: (d: string) => Promise<void> }[] = [];
    const server = await udpServer((d, send) => {
      waiting.push({ data: d.data, send });
      if (waiting.length === 2) for (const w of [...waiting].reverse()) void w.send(`reply to ${w.data.toString('latin1')}`);
    });
    const a = startRequest(server.port, Buffer.from('a'), quick);
    const b = startRequest(server.port, Buffer.from('b'), quick);
    const hints = { rejected: HINT.ownSocket, other: () => HINT.ownSocket };
    expectReply(await a.outcome('the first of two requests at once to settle', HINT.ownSocket, 2000), Buffer.from('reply to a'), 'its own reply "reply to a"', hints);
    expectReply(await b.outcome('the second of two requests at once to settle', HINT.ownSocket, 2000), Buffer.from('reply to b'), 'its own reply "reply to b"', hints);
  });

  test('resolves with the reply as a Buffer, byte for byte [2.2]', async () => {
    const server = await answering(() => BINARY);
    const req = startRequest(server.port, Buffer.from('send me bytes'), quick);
    expectReply(await req.outcome('request() to resolve with the binary reply', HINT.filter, 2000), BINARY, 'the binary reply', { rejected: HINT.filter });
  });

  test('resolves with an empty Buffer when the reply is an empty datagram [2.2]', async () => {
    const server = await answering(() => Buffer.alloc(0));
    const req = startRequest(server.port, Buffer.from('say nothing'), quick);
    const hint = "An empty datagram is a reply too: its 'message' event carries an empty Buffer. Resolve with it.";
    expectReply(await req.outcome('request() to resolve with the empty reply', hint, 2000), Buffer.alloc(0), 'the empty reply', { rejected: hint });
  });

  test('resolves with a reply of 65,507 bytes [2.2]', async () => {
    const reply = big(MAX_IPV4_DATAGRAM);
    const server = await answering(() => reply);
    const req = startRequest(server.port, Buffer.from('send me a lot'), quick);
    expectReply(await req.outcome('request() to resolve with the 65,507-byte reply', HINT.replyBuffer, 2000), reply, 'the 65,507-byte reply', { rejected: HINT.replyBuffer });
  });

  test('resolves with the first datagram only, when the server sends two [2.2]', async () => {
    const server = await udpServer((d, send) => void send('first').then(() => send('second')));
    const req = startRequest(server.port, Buffer.from('tell me twice'), quick);
    expectReply(await req.outcome('request() to resolve with the first reply', HINT.replyBuffer, 2000), Buffer.from('first'), 'the first reply, "first"', {
      rejected: HINT.replyBuffer,
      other: () => "Each 'message' event is one whole datagram, the whole reply: resolve with the first one at once, without waiting for more or joining them.",
    });
  });

  test('ignores a datagram from another port that arrives before the reply [2.2]', async () => {
    const stranger = await udpServer();
    const server = await udpServer((d, send) => {
      // The stranger's datagram is in the client's queue before the real reply is sent.
      void stranger.send('not from the server', d.from.port).then(() => send('the real reply'));
    });
    const req = startRequest(server.port, Buffer.from('hello?'), quick);
    const stray = Buffer.from('not from the server');
    expectReply(await req.outcome('request() to resolve with the reply from the server', HINT.filter, 2000), Buffer.from('the real reply'), 'the reply from host:port, "the real reply"', {
      rejected: HINT.filter,
      other: (got) => (got.equals(stray) ? HINT.filter : HINT.replyBuffer),
    });
  });

  test('tries again after timeoutMs when datagrams are lost, and resolves [2.3]', async () => {
    const server = await answering((data) => data);
    const proxy = await lossyProxy(server.port, { dropFirst: 2 });
    const req = startRequest(proxy.port, Buffer.from('third time lucky'), { timeoutMs: 50, tries: 3 });
    const o = await req.outcome('request() to resolve: the first 2 datagrams were lost, the 3rd got through', HINT.retry, 2000);
    if (!o.resolved) {
      fail({ message: `request() rejected after sending ${proxy.fromClients.length} datagram(s), although 3 tries were allowed and the 3rd got through`, expected: '3 datagrams, then the reply', actual: `${proxy.fromClients.length} datagram(s), then a rejection (${(o.error as NodeJS.ErrnoException)?.code ?? o.error})`, hint: proxy.fromClients.length < 3 ? HINT.retry : HINT.sameSocket });
    }
    expectReply(o, Buffer.from('third time lucky'), 'the echo of "third time lucky"', { rejected: HINT.retry });
  });

  test('waits the full timeoutMs after each try before the next one [2.3, 2.4]', async () => {
    const timeoutMs = 100;
    const server = await udpServer();
    const req = startRequest(server.port, Buffer.from('anyone?'), { timeoutMs, tries: 3 });
    await req.tries(server, 3, 'three tries to arrive at a server that never answers', 2000);
    await req.outcome('request() to give up', HINT.timedOut, 2000);
    // Measured at each send() call, in the sender's thread: a busy machine only makes these gaps
    // longer. A timer's start is the event loop's cached clock, which can lag a few milliseconds
    // behind; the 20 % margin covers that, and sending all tries at once, or timeoutMs / 2 or
    // timeoutMs / tries apart, still fails.
    const sends = req.probe.sendTimes();
    for (let i = 1; i < sends.length; i++) {
      const gap = sends[i] - sends[i - 1];
      if (gap < timeoutMs * 0.8) {
        fail({ message: `try ${i + 1} was sent only ${Math.round(gap)} ms after try ${i}, with timeoutMs ${timeoutMs}`, expected: `at least ${timeoutMs} ms between tries`, actual: `${Math.round(gap)} ms`, hint: HINT.spacing });
      }
    }
    // The last try gets its full timeoutMs too: a reply may still be on its way. Seen from here,
    // the rejection can only look later than it was, never earlier.
    const waited = (await req.settledAt) - sends[sends.length - 1];
    if (sends.length === 3 && waited < timeoutMs * 0.8) {
      fail({ message: `request() gave up only ${Math.round(waited)} ms after its last try, with timeoutMs ${timeoutMs}`, expected: `at least ${timeoutMs} ms after the last try before rejecting`, actual: `${Math.round(waited)} ms`, hint: HINT.lastWait });
    }
  });

  test('waits timeoutMs after each try, not longer: no growing back-off [2.3]', async () => {
    const timeoutMs = 100;
    const server = await udpServer();
    const req = startRequest(server.port, Buffer.from('anyone there?'), { timeoutMs, tries: 5 });
    await req.tries(server, 5, 'five tries to arrive at a server that never answers', 4000);
    await req.outcome('request() to give up', HINT.timedOut, 4000);
    // Only a generous upper bound: a busy machine makes timers late, by milliseconds, not by
    // 400 ms. A back-off that doubles the wait (100, 200, 400, 800 ms) still fails on the last gap.
    const sends = req.probe.sendTimes();
    // A wait that is too long every time (2 × timeoutMs, or timeoutMs plus a margin of its own)
    // shows in the shortest gap: a busy machine would have to make all four timers late by 70 ms.
    const shortest = Math.min(...sends.slice(1).map((t, j) => t - sends[j]));
    if (sends.length === 5 && shortest > timeoutMs * 1.7) {
      const gaps = sends.slice(1).map((t, j) => `${Math.round(t - sends[j])} ms`).join(', ');
      fail({ message: `every try came well over timeoutMs after the one before, with timeoutMs ${timeoutMs}`, expected: `about ${timeoutMs} ms between tries`, actual: `gaps of ${gaps}`, hint: 'Start the next try timeoutMs after a send, not later: setTimeout(retry, options.timeoutMs), with nothing added or multiplied.' });
    }
    for (let i = 1; i < sends.length; i++) {
      const gap = sends[i] - sends[i - 1];
      if (gap > timeoutMs + 400) {
        const gaps = sends.slice(1).map((t, j) => `${Math.round(t - sends[j])} ms`).join(', ');
        fail({ message: `try ${i + 1} was sent ${Math.round(gap)} ms after try ${i}, with timeoutMs ${timeoutMs}`, expected: `about ${timeoutMs} ms between tries, every time`, actual: `gaps of ${gaps}`, hint: 'Wait the same timeoutMs after every send: the contract asks for no back-off, so do not grow the delay from one try to the next.' });
      }
    }
  });

  test('accepts a late reply to an earlier try [2.3]', async () => {
    const first: { send?: (d: string) => Promise<void> } = {};
    const server = await udpServer((d, send) => {
      if (!first.send) first.send = send;
      // Only once the second try has arrived, answer the FIRST try, at its own address.
      else if (server.received.length === 2) void first.send('late reply to try 1');
    });
    const req = startRequest(server.port, Buffer.from('slow'), { timeoutMs: 60, tries: 3 });
    const o = await req.outcome('request() to resolve with the late reply to its first try', HINT.sameSocket, 2000);
    expectReply(o, Buffer.from('late reply to try 1'), 'the late reply to try 1', { rejected: server.received.length < 2 ? HINT.retry : HINT.sameSocket });
  });

  test('sends exactly `tries` datagrams when no reply comes [2.3]', async () => {
    const server = await udpServer();
    const req = startRequest(server.port, Buffer.from('hello?'), { timeoutMs: 30, tries: 3 });
    await req.outcome('request() to give up after 3 tries of 30 ms', HINT.timedOut, 1500);
    if (server.received.length !== 3) {
      fail({ message: `request() sent ${server.received.length} datagram(s) with tries: 3`, expected: '3 datagrams: the first send and 2 more tries', actual: `${server.received.length}`, hint: server.received.length < 3 ? HINT.retry : HINT.tries });
    }
  });

  test('with tries: 1, sends once and gives up [2.3]', async () => {
    const server = await udpServer();
    const req = startRequest(server.port, Buffer.from('just once'), { timeoutMs: 30, tries: 1 });
    await req.outcome('request() to give up after 1 try of 30 ms', HINT.timedOut, 1500);
    if (server.received.length !== 1) fail({ message: `request() sent ${server.received.length} datagram(s) with tries: 1`, expected: '1 datagram', actual: `${server.received.length}`, hint: HINT.tries });
  });

  test('rejects with an Error whose code is ETIMEDOUT after the last try [2.4]', async () => {
    const server = await udpServer();
    const req = startRequest(server.port, Buffer.from('hello?'), { timeoutMs: 30, tries: 2 });
    // 2 tries of 30 ms; a generous bound, never an exact duration.
    expectRejection(await req.outcome('request() to reject: 2 tries of 30 ms got no reply', HINT.timedOut, 1500), 'ETIMEDOUT', HINT.timedOut);
  });

  test('rejects at once with ECONNREFUSED when nothing listens at host:port [2.5]', async () => {
    const port = await closedUdpPort();
    const req = startRequest(port, Buffer.from('anyone?'), { timeoutMs: 5000, tries: 3 });
    expectRejection(await req.outcome('request() to reject at once: nothing listens on that port', HINT.refused, 1000), 'ECONNREFUSED', HINT.refused);
  });

  test('rejects at once with EMSGSIZE when the message is too big for a datagram [2.5]', async () => {
    const server = await answering(() => 'ok');
    const req = startRequest(server.port, big(MAX_IPV4_DATAGRAM + 1), { timeoutMs: 5000, tries: 3 });
    expectRejection(await req.outcome('request() to reject at once: 65,508 bytes do not fit in a datagram', HINT.tooBig, 1000), 'EMSGSIZE', HINT.tooBig);
  });

  test('closes its socket and clears its timer once it resolves [2.6]', async () => {
    const server = await answering(() => 'pong');
    const req = startRequest(server.port, Buffer.from('ping'), { timeoutMs: 2000, tries: 3 });
    await req.outcome('request() to resolve with "pong"', HINT.filter, 1500);
    await req.probe.expectNothingLeft('request()', HINT.cleanup);
  });

  test('closes its socket and clears its timer once it gives up [2.6]', async () => {
    const server = await udpServer();
    const req = startRequest(server.port, Buffer.from('hello?'), { timeoutMs: 30, tries: 2 });
    await req.outcome('request() to give up after 2 tries of 30 ms', HINT.timedOut, 1500);
    await req.probe.expectNothingLeft('request()', HINT.cleanup);
  });

  test('closes its socket and clears its timer once the system reports an error [2.6]', async () => {
    const port = await closedUdpPort();
    const req = startRequest(port, Buffer.from('anyone?'), { timeoutMs: 2000, tries: 3 });
    await req.outcome('request() to reject: nothing listens on that port', HINT.refused, 1500);
    await req.probe.expectNothingLeft('request()', HINT.cleanup);
  });
});
