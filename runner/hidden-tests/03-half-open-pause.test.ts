// Hidden tests for lesson 03: half-open connections (allowHalfOpen) and paused sockets
// (pauseOnConnect), driven over loopback. The async functions the learner's servers call
// (compute, admit) are the checks' own (`injected`): a check settles each call only after it
// has seen what the server did meanwhile, and `roundTrip()` gives the server its chance to read
// or to end first. So "the answer came after an async step" and "nothing was read before the
// decision" are checked at known moments, never after a sleep.
// try: createReplyServer(reverse after 100 ms) on PORT; createGateServer(admit all after 100 ms) on GATE_PORT
import type { ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { describe, test } from 'vitest';
import { connectBulk } from '../harness/bulk-client.ts';
import { setImmediate } from '../harness/clock.ts';
import { useExercise } from '../harness/exercise.ts';
import { fail, show } from '../harness/failure.ts';
import { listenHandoff, startWorker } from '../harness/handoff.ts';
import { injected, type Injected } from '../harness/injected.ts';
import { withHint } from '../harness/learner-call.ts';
import { expectAllBytesThenEnd } from '../harness/expect-bytes.ts';
import { connect, listen, type Peer } from '../harness/net.ts';
import { chunkingProxy } from '../harness/proxy.ts';
import { roundTrip } from '../harness/round-trip.ts';
import { probeServer, type ServerSide } from '../harness/server-probe.ts';
import { within } from '../harness/wait.ts';

interface Client {
  address: string;
  port: number;
}
interface Lesson03 {
  createReplyServer(compute: (request: string) => Promise<string>): net.Server;
  createGateServer(admit: (client: Client) => Promise<boolean>): net.Server;
  createHandoffServer(admit: (client: Client) => Promise<boolean>, worker: ChildProcess): net.Server;
}

const lesson = useExercise<Lesson03>('03-half-open-pause');

const HINT = {
  allowHalfOpen:
    "Your server's socket had allowHalfOpen: false, so Node ended your side right after the client's FIN, before the answer was ready. Create the server with net.createServer({ allowHalfOpen: true }, ...).",
  answer: "Write the answer when compute()'s promise resolves, then call socket.end(). Do not end (or destroy) the socket before that.",
  destroyedByLoop:
    "The socket was already destroyed when compute() was called. A for await (… of socket) loop, and text() or buffer() from node:stream/consumers, destroy the socket once they have read everything. Collect with 'data' and 'end' instead (or socket.iterator({ destroyOnReturn: false })).",
  endedTooSoon: "Your side was already ended when compute() was called: call socket.end() only after writing the answer (socket.end(answer) does both).",
  endAfterAnswer: 'With allowHalfOpen: true, Node no longer ends your side for you: call socket.end() after writing the answer (socket.end(answer) does both).',
  computeOnEnd: "Call compute() in the socket's 'end' listener: 'end' means the client has sent everything.",
  whole: "Collect every chunk until 'end', and decode once: Buffer.concat(chunks).toString('utf8'), or socket.setEncoding('utf8') before reading. Pass the text unchanged.",
  once: "Call compute() once per connection, from 'end' only: not per chunk, not per line, not on 'close'.",
  exact: 'Write exactly the string compute() resolved with, nothing added, then end: socket.end(answer).',
  bigAnswer:
    "End the connection with socket.end(answer) (or write(), then end()). destroy() throws away whatever is still queued to be sent, and a big answer cannot all be sent at once.",
  rejected: "Catch compute()'s rejection (try/await/catch or .catch()) and close the connection with socket.destroy() or socket.end(), writing nothing.",
  rejectAtOnce:
    "Close the connection right in the code that catches the rejection: socket.destroy() (or socket.end()) there, not later from a timer, a 'timeout' or a 'close' listener. The client has already ended its side and is waiting for yours.",
  independent: 'Keep each request in variables inside the connection callback, and do not wait for one answer before serving the next connection.',
  reset: "A client that resets its connection makes its socket emit 'error' (ECONNRESET), and never 'end'. Add socket.on('error', ...) to every socket the server accepts.",
  pause: 'Create the server with net.createServer({ pauseOnConnect: true }, ...) and do not touch the socket\'s data (no \'data\' listener, no pipe, no resume) until admit() has said yes.',
  admitCall: 'Call admit({ address: socket.remoteAddress, port: socket.remotePort }) straight away in the connection callback, once per connection.',
  resume: "After admit() resolves with true, start the echo: socket.pipe(socket) (pipe resumes the socket). A 'data' listener alone does not resume a socket that arrived paused: call socket.resume() too.",
  deny: "When admit() resolves with false or rejects, call socket.destroy(): end() would only send a FIN, and a paused socket never reads the client's answer to it, so the connection would stay open.",
  gateReset: "A client may reset while it waits for its decision: the paused socket reports the reset ('error', ECONNRESET) once it is resumed. Add socket.on('error', ...) as soon as the connection arrives.",
  handoff: "Send an admitted socket to the worker with worker.send('socket', socket): exactly the message 'socket', with the socket as the second argument.",
  binary: "Echo each chunk as the Buffer it arrived as: decoding it (chunk.toString(), setEncoding) changes every byte that is not valid UTF-8.",
  endWithClient: "Keep the default allowHalfOpen: false, or end your side on 'end' (pipe does).",
  handoffBytes:
    "The bytes sent before the decision were read in this process and lost in the handover. Create the server with pauseOnConnect: true and never resume the socket (no pipe, no 'data' listener) before worker.send('socket', socket).",
};

/** The hint that fits a connection that got no answer, from its server side when compute() was called. */
function hintForMissingAnswer(side: ServerSide, atCall: { destroyed: boolean; ended: boolean }): string {
  if (!side.socket.allowHalfOpen) return HINT.allowHalfOpen;
  if (atCall.destroyed) return HINT.destroyedByLoop;
  if (atCall.ended) return HINT.endedTooSoon;
  return HINT.answer;
}

/**
 * Returns once every callback the learner's code has already queued (promise reactions,
 * process.nextTick) has run: one turn of the event loop, with no I/O and no clock involved, so
 * "did it act at once?" gets the same answer however busy the machine is.
 */
function afterThisTurn(waitingFor: string): Promise<void> {
  return within(new Promise<void>((resolve) => setImmediate(resolve)), waitingFor);
}

type Compute = Injected<[string], string>;

async function startReply(compute: Compute) {
  const server = await lesson.call('createReplyServer', compute.fn);
  const port = await listen(server, 'createReplyServer()');
  return { port, probe: probeServer(server) };
}

/** Sends a whole request and ends the client's side; returns compute()'s call for it. */
async function request(port: number, compute: Compute, text: string | Buffer, probe: ReturnType<typeof probeServer>) {
  const client = await connect(port, 'your server');
  const side = await probe.serverSideOf(client);
  if (text.length) await client.write(text);
  client.end();
  const call = await compute.call('your server to call compute() once the client has ended its side', HINT.computeOnEnd);
  return { client, side, call };
}

function expectRequest(got: string, want: string, hint = HINT.whole) {
  if (got === want) return;
  fail({ message: 'compute() was not called with the whole request', expected: show(want), actual: show(String(got)), hint });
}

describe('Task 1: createReplyServer()', () => {
  test('keeps its side open after the client ends, and answers after compute() has taken its time [1.1, 1.4]', async () => {
    const compute = injected<[string], string>();
    const { port, probe } = await startReply(compute);
    const { client, side, call } = await request(port, compute, 'abcde', probe);
    const atCall = { destroyed: side.socket.destroyed, ended: side.socket.writableEnded };
    expectRequest(call.args[0], 'abcde');
    await roundTrip(); // Node's own end() after the client's FIN (allowHalfOpen: false) has gone out by now
    call.resolve('5 bytes: edcba');
    await withHint(client.expectNext('5 bytes: edcba', 'the answer from compute()', HINT.answer), () => hintForMissingAnswer(side, atCall));
    await client.expectEnd('your server to end the connection after the answer', HINT.endAfterAnswer);
  });

  test('calls compute() once, with the whole request, only after the client has ended its side [1.3]', async () => {
    const compute = injected<[string], string>((req) => `got ${req.length} characters`);
    const { port, probe } = await startReply(compute);
    const client = await connect(port, 'your server');
    const side = await probe.serverSideOf(client);
    const head = 'GET /index.html HTTP/1.0\r\n\r\n';
    await client.write(head);
    await roundTrip(); // the server has read it: a complete-looking request, but the client has not ended
    if (compute.calls.length) {
      fail({ message: 'compute() was called before the client ended its side', expected: "no call until the client's FIN ('end')", actual: `compute(${show(compute.calls[0].args[0])})`, hint: HINT.computeOnEnd });
    }
    const rest = 'and a body after the blank line\n';
    await client.write(rest);
    client.end();
    const call = await compute.call('your server to call compute() once the client has ended its side', HINT.computeOnEnd);
    expectRequest(call.args[0], head + rest);
    await client.expectNext(`got ${(head + rest).length} characters`, 'the answer from compute()', HINT.answer);
    await client.expectEnd('your server to end the connection after the answer', HINT.endAfterAnswer);
    await probe.closed(side, 'your server to close the connection', HINT.endAfterAnswer);
    if (compute.calls.length !== 1) {
      fail({ message: `compute() was called ${compute.calls.length} times for one connection`, expected: 'exactly once', actual: compute.calls.map((c) => `compute(${show(c.args[0])})`).join(', '), hint: HINT.once });
    }
  });

  test('reads a request that reaches it one byte per chunk, with multi-byte characters and line breaks [1.2]', async () => {
    const compute = injected<[string], string>(() => 'ok');
    const { port } = await startReply(compute);
    const proxy = await chunkingProxy(port, { split: 1 });
    const client = await connect(proxy.port, 'your server');
    const text = '  héllo wörld, 3 € ✓ 🚀\r\nsecond line\n\nthird, no newline ';
    await client.write(text);
    client.end();
    const call = await compute.call('your server to call compute() once the client has ended its side', HINT.computeOnEnd);
    expectRequest(call.args[0], text);
    await client.expectNext('ok', 'the answer from compute()', HINT.answer);
  });

  test('reads an empty request, and a 1 MB one [1.2]', async () => {
    const compute = injected<[string], string>((req) => `length ${req.length}`);
    const { port, probe } = await startReply(compute);
    const empty = await request(port, compute, '', probe);
    expectRequest(empty.call.args[0], '');
    await empty.client.expectNext('length 0', 'the answer to an empty request', HINT.answer);
    await empty.client.expectEnd('your server to end the connection after the answer', HINT.endAfterAnswer);
    const big = 'All work and no play makes a big request. '.repeat(25_000);
    const client = await connect(port, 'your server');
    await client.write(big);
    client.end();
    const call = await compute.call('your server to call compute() for the 1 MB request', HINT.computeOnEnd, (req) => req !== '');
    if (call.args[0] !== big) {
      fail({ message: 'compute() was not called with the whole 1 MB request', expected: `${big.length.toLocaleString('en')} characters`, actual: `${String(call.args[0]).length.toLocaleString('en')} characters`, hint: HINT.whole });
    }
    await client.expectNext(`length ${big.length}`, 'the answer to the 1 MB request', HINT.answer);
  });

  test('writes exactly what compute() resolved with: empty, multi-byte, 1 MB [1.4]', async () => {
    const answers = ['', 'résumé ✓\r\nno trailing newline ', 'x'.repeat(1024 * 1024)];
    const compute = injected<[string], string>((req) => answers[Number(req)]);
    const { port } = await startReply(compute);
    for (const [i, answer] of answers.entries()) {
      const client = await connect(port, 'your server');
      await client.write(String(i));
      client.end();
      await client.expectNext(answer, i === 0 ? 'an empty answer' : `the answer ${show(answer)}`, HINT.exact);
      await client.expectEnd('your server to end the connection right after the answer', HINT.exact);
    }
  });

  test('sends all of an 8 MB answer before ending, also to a client that reads slowly [1.4]', async () => {
    const compute = injected<[string], string>();
    const { port } = await startReply(compute);
    // This client reads nothing until the answer has been written: what the kernel's buffers
    // cannot hold stays queued in your server, and is sent only if the connection is ended,
    // not destroyed.
    const client = await connectBulk(port, 'your server');
    client.socket.end('a long answer, please');
    const call = await compute.call('your server to call compute() once the client has ended its side', HINT.computeOnEnd);
    const big = 'A long answer, sent slowly. '.repeat(300_000);
    call.resolve(big);
    await roundTrip();
    await client.readExactlyThenEnd(Buffer.from(big), 'the 8 MB answer', HINT.bigAnswer);
  });

  test('closes the connection without a word when compute() rejects, and keeps serving [1.5]', async () => {
    const compute = injected<[string], string>();
    const { port, probe } = await startReply(compute);
    const { client, call } = await request(port, compute, 'please fail', probe);
    await roundTrip();
    call.reject(new Error('compute failed on purpose'));
    await client.waitForEnd('your server to close the connection after compute() rejected', HINT.rejected);
    if (client.unread.length) {
      fail({ message: 'your server wrote something although compute() rejected', expected: 'nothing, then the connection closes', actual: show(client.text()), hint: HINT.rejected });
    }
    const next = await request(port, compute, 'and now?', probe);
    next.call.resolve('fine');
    await next.client.expectNext('fine', 'the answer to the next client', HINT.rejected);
  });

  test('closes the connection at once when compute() rejects: no timer, no waiting for the client [1.5]', async () => {
    const compute = injected<[string], string>();
    const { port, probe } = await startReply(compute);
    const { client, side, call } = await request(port, compute, 'please fail', probe);
    await roundTrip();
    call.reject(new Error('compute failed on purpose'));
    await afterThisTurn("your server to handle compute()'s rejection");
    if (!side.socket.destroyed && !side.socket.writableEnded) {
      fail({
        message: "your server did not close the connection when it handled compute()'s rejection",
        expected: 'socket.destroy() or socket.end() called at once, in the code that handles the rejection',
        actual: side.socket.timeout ? `the connection still open, with an idle timeout of ${side.socket.timeout} ms set` : 'the connection still open',
        hint: HINT.rejectAtOnce,
      });
    }
    await client.waitForEnd('your server to close the connection after compute() rejected', HINT.rejected);
  });

  test('serves clients at once: a slow answer does not hold up another [1.6]', async () => {
    const compute = injected<[string], string>();
    const { port, probe } = await startReply(compute);
    const slowClient = await connect(port, 'your server');
    const quick = await connect(port, 'your server');
    // The two requests arrive interleaved: each connection must keep its own.
    await slowClient.write('slow ');
    await quick.write('quick ');
    await roundTrip(); // the server has read both pieces before the rest of the first request
    await slowClient.write('one');
    slowClient.end();
    const slow = { client: slowClient, call: await compute.call('your server to call compute() for the first client', HINT.computeOnEnd) };
    expectRequest(slow.call.args[0], 'slow one', HINT.independent);
    await quick.write('one');
    quick.end();
    const quickCall = await compute.call('your server to call compute() for the second client while the first waits for its answer', HINT.independent, (req) => req !== 'slow one');
    expectRequest(quickCall.args[0], 'quick one', HINT.independent);
    quickCall.resolve('answer for the quick one');
    await quick.expectNext('answer for the quick one', "the second client's answer, while the first one's is not ready", HINT.independent);
    slow.call.resolve('answer for the slow one');
    await slow.client.expectNext('answer for the slow one', "the first client's answer", HINT.independent);
  });

  test('survives a client that resets before ending, and calls no compute() for it [1.6]', async () => {
    const compute = injected<[string], string>((req) => `echo: ${req}`);
    const { port, probe } = await startReply(compute);
    const rude = await connect(port, 'your server');
    const side = await probe.serverSideOf(rude);
    await rude.write('half a req');
    await roundTrip(); // the server has read it, so it reads the reset as ECONNRESET
    rude.reset();
    await probe.closed(side, 'your server to close the connection of the client that reset', HINT.reset);
    if (compute.calls.length) {
      fail({ message: 'compute() was called for a client that reset its connection', expected: 'no call: the client never ended its side', actual: `compute(${show(compute.calls[0].args[0])})`, hint: HINT.once });
    }
    const polite = await connect(port, 'your server');
    await polite.write('still there?');
    polite.end();
    await polite.expectNext('echo: still there?', 'the answer to a client after the reset', HINT.reset);
  });
});

type Admit = Injected<[Client], boolean>;

async function startGate(admit: Admit) {
  const server = await lesson.call('createGateServer', admit.fn);
  const port = await listen(server, 'createGateServer()');
  return { port, probe: probeServer(server) };
}

/** admit()'s call for `client` (matched by its port). */
function admitCallFor(admit: Admit, client: Peer) {
  const port = client.socket.localPort;
  return admit.call(`your server to call admit() for the client on port ${port}`, HINT.admitCall, (c) => c?.port === port);
}

/** The hint that fits an admitted client that got no echo, from the server's side of it. */
function hintForMissingEcho(side: ServerSide): string {
  const s = side.socket;
  if (s.isPaused() && s.listenerCount('data') > 0) return HINT.resume;
  if (s.isPaused()) return `The socket is still paused: nothing reads it. ${HINT.resume}`;
  return HINT.resume;
}

function expectNothingRead(side: ServerSide, client: Peer, situation: string) {
  if (side.socket.bytesRead !== 0 || client.unread.length) {
    fail({
      message: `your server read from the connection ${situation}`,
      expected: 'socket.bytesRead === 0 and nothing sent back',
      actual: `bytesRead ${side.socket.bytesRead}${client.unread.length ? `, and it already sent back ${show(client.text())}` : ''}`,
      hint: HINT.pause,
    });
  }
}

describe('Task 2: createGateServer()', () => {
  test('reads nothing before admit() has decided: bytesRead stays 0, nothing is echoed [2.1]', async () => {
    const admit = injected<[Client], boolean>();
    const { port, probe } = await startGate(admit);
    const client = await connect(port, 'your server');
    const side = await probe.serverSideOf(client);
    await client.write('early bird\n');
    const call = await admitCallFor(admit, client);
    await roundTrip(); // a socket that reads would have read 'early bird' by now
    expectNothingRead(side, client, 'before admit() had decided');
    call.resolve(true);
    await withHint(client.expectNext('early bird\n', 'the echo of what the client sent before the decision', HINT.resume), () => hintForMissingEcho(side));
  });

  test('calls admit() once per connection, with its address and port, before any data [2.2]', async () => {
    const admit = injected<[Client], boolean>();
    const { port } = await startGate(admit);
    const first = await connect(port, 'your server');
    const second = await connect(port, 'your server');
    for (const client of [first, second]) {
      const call = await admitCallFor(admit, client);
      const arg = call.args[0] as Partial<Client> | undefined;
      if (arg?.address !== '127.0.0.1' || arg?.port !== client.socket.localPort) {
        fail({ message: 'admit() was not called with the client\'s address and port', expected: `{ address: '127.0.0.1', port: ${client.socket.localPort} }`, actual: show(JSON.stringify(arg) ?? String(arg)), hint: HINT.admitCall });
      }
      call.resolve(true);
      await client.write('hi\n');
      await client.expectNext('hi\n', 'the echo of "hi"', HINT.resume);
    }
    const counts = [first, second].map((c) => admit.calls.filter((call) => call.args[0]?.port === c.socket.localPort).length);
    if (admit.calls.length !== 2 || counts.some((n) => n !== 1)) {
      fail({ message: `admit() was called ${admit.calls.length} times for two connections`, expected: 'once per connection', actual: admit.calls.map((c) => show(JSON.stringify(c.args[0]))).join(', '), hint: HINT.admitCall });
    }
  });

  test('echoes what was sent before and after the decision, then ends with the client [2.3]', async () => {
    const admit = injected<[Client], boolean>();
    const { port, probe } = await startGate(admit);
    const client = await connect(port, 'your server');
    const side = await probe.serverSideOf(client);
    await client.write('sent while waiting\n');
    const call = await admitCallFor(admit, client);
    await roundTrip();
    call.resolve(true);
    await withHint(client.expectNext('sent while waiting\n', 'the echo of what the client sent before the decision', HINT.resume), () => hintForMissingEcho(side));
    await client.write('sent after admission ✓\n');
    await client.expectNext('sent after admission ✓\n', 'the echo of what the client sent after the decision', HINT.resume);
    // Every byte, also those that are not valid UTF-8: an echo that decodes to text changes them.
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    await client.write(bytes);
    client.end();
    await withHint(expectAllBytesThenEnd(client, bytes, 'the echo of the 256 byte values, 0xff down to 0x00', HINT.binary), () =>
      client.unread.equals(bytes) ? HINT.endWithClient : HINT.binary,
    );
  });

  test('destroys a denied connection without reading or writing anything [2.4]', async () => {
    const admit = injected<[Client], boolean>();
    const { port, probe } = await startGate(admit);
    const client = await connect(port, 'your server');
    const side = await probe.serverSideOf(client);
    await client.write('let me in\n');
    const call = await admitCallFor(admit, client);
    await roundTrip();
    call.resolve(false);
    await probe.closed(side, 'your server to destroy the denied connection', HINT.deny);
    if (side.socket.bytesRead !== 0) {
      fail({ message: 'your server read from a denied connection', expected: 'bytesRead === 0: destroy it without reading', actual: `bytesRead ${side.socket.bytesRead}`, hint: HINT.deny });
    }
    await client.waitForEnd('the denied client to see its connection close', HINT.deny);
    if (client.unread.length) fail({ message: 'your server wrote to a denied connection', expected: 'nothing', actual: show(client.text()), hint: HINT.deny });
  });

  test('treats a rejected admit() as a denial, and keeps serving [2.4]', async () => {
    const admit = injected<[Client], boolean>();
    const { port, probe } = await startGate(admit);
    const client = await connect(port, 'your server');
    const side = await probe.serverSideOf(client);
    const call = await admitCallFor(admit, client);
    call.reject(new Error('the block list is unreachable'));
    await probe.closed(side, 'your server to destroy the connection whose admit() rejected', HINT.deny);
    await client.waitForEnd('the client to see its connection close', HINT.deny);
    if (client.unread.length) fail({ message: 'your server wrote to a connection whose admit() rejected', expected: 'nothing', actual: show(client.text()), hint: HINT.deny });
    const next = await connect(port, 'your server');
    (await admitCallFor(admit, next)).resolve(true);
    await next.write('next\n');
    await next.expectNext('next\n', 'the echo to the next client', HINT.deny);
  });

  test('survives a client that resets while it waits for its decision [2.5]', async () => {
    const admit = injected<[Client], boolean>();
    const { port, probe } = await startGate(admit);
    const rude = await connect(port, 'your server');
    const side = await probe.serverSideOf(rude);
    const call = await admitCallFor(admit, rude);
    rude.reset();
    await roundTrip(); // the reset has arrived; the paused socket reports it once resumed
    call.resolve(true);
    await probe.closed(side, 'your server to close the connection of the client that reset', HINT.gateReset);
    const polite = await connect(port, 'your server');
    (await admitCallFor(admit, polite)).resolve(true);
    await polite.write('still there?\n');
    await polite.expectNext('still there?\n', 'the echo to a client after the reset', HINT.gateReset);
  });

  test('handles 20 clients at once, decided in reverse order, every other one denied [2.2, 2.3, 2.4]', async () => {
    const admit = injected<[Client], boolean>();
    const { port, probe } = await startGate(admit);
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect(port, 'your server')));
    const sides = await Promise.all(clients.map((c) => probe.serverSideOf(c)));
    await Promise.all(clients.map((c, i) => c.write(`early ${i}\n`)));
    const calls = await Promise.all(clients.map((c) => admitCallFor(admit, c)));
    await roundTrip();
    for (let i = 19; i >= 0; i--) calls[i].resolve(i % 2 === 0);
    await Promise.all(
      clients.map(async (client, i) => {
        if (i % 2 === 1) {
          await probe.closed(sides[i], `your server to destroy denied client ${i}`, HINT.deny);
          await client.waitForEnd(`denied client ${i} to see its connection close`, HINT.deny);
          if (client.unread.length) fail({ message: `your server wrote to denied client ${i}`, expected: 'nothing', actual: show(client.text()), hint: HINT.deny });
          return;
        }
        await withHint(client.expectNext(`early ${i}\n`, `the echo of what client ${i} sent before the decision`, HINT.resume), () => hintForMissingEcho(sides[i]));
        await client.write(`late ${i}\n`);
        await client.expectNext(`late ${i}\n`, `the echo of what client ${i} sent after the decision`, HINT.independent);
        client.end();
        await client.expectEnd(`your server to end the connection of client ${i} after it ended its side`, 'End your side when the client ends (pipe does it for you).');
      }),
    );
  });
});

describe('Task 3 (stretch): createHandoffServer()', () => {
  async function startHandoff(admit: Admit) {
    const worker = await startWorker();
    const server = await lesson.call('createHandoffServer', admit.fn, worker.child);
    const port = await listenHandoff(server, 'createHandoffServer()');
    return { worker, port, probe: probeServer(server) };
  }

  test('hands 20 admitted connections to the worker, with every byte sent before the decision [3.1, 3.2]', async () => {
    const admit = injected<[Client], boolean>();
    const { worker, port } = await startHandoff(admit);
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect(port, 'the worker')));
    await Promise.all(clients.map((c, i) => c.write(`early ${i}\n`)));
    const calls = await Promise.all(clients.map((c) => admitCallFor(admit, c)));
    await roundTrip(); // a server that reads before handing over has read the early bytes by now
    for (let i = 19; i >= 0; i--) calls[i].resolve(true);
    await Promise.all(
      clients.map(async (client, i) => {
        await worker.receivedFrom(client.socket.localPort ?? -1, `the worker to receive the socket of client ${i}`, HINT.handoff);
        await client.expectNext('WORKER\n', `the worker's greeting to client ${i}`, HINT.handoff);
        await client.write(`late ${i}\n`);
        await client.expectNext(`early ${i}\nlate ${i}\n`, `the worker's echo of what client ${i} sent before and after the decision`, HINT.handoffBytes);
        client.end();
        await client.expectEnd(`the worker to end the connection of client ${i}`, HINT.handoff);
      }),
    );
  });

  test('treats a rejected admit() as a denial: destroyed here, never sent, and keeps serving [3.1]', async () => {
    const admit = injected<[Client], boolean>();
    const { worker, port, probe } = await startHandoff(admit);
    const refused = await connect(port, 'your server');
    const side = await probe.serverSideOf(refused);
    (await admitCallFor(admit, refused)).reject(new Error('the block list is unreachable'));
    await probe.closed(side, 'your server to destroy the connection whose admit() rejected', HINT.deny);
    await refused.waitForEnd('the client to see its connection close', HINT.deny);
    const admitted = await connect(port, 'the worker');
    (await admitCallFor(admit, admitted)).resolve(true);
    await admitted.expectNext('WORKER\n', "the worker's greeting to the next, admitted client", HINT.deny);
    if (refused.unread.length || worker.received.includes(side.port)) {
      fail({ message: 'a connection whose admit() rejected reached the worker', expected: 'destroyed here, never sent', actual: refused.unread.length ? `the client received ${show(refused.text())}` : 'the worker received it', hint: HINT.deny });
    }
  });

  test('destroys denied connections instead of handing them over [3.1]', async () => {
    const admit = injected<[Client], boolean>();
    const { worker, port, probe } = await startHandoff(admit);
    const denied = await connect(port, 'your server');
    const side = await probe.serverSideOf(denied);
    await denied.write('let me in\n');
    (await admitCallFor(admit, denied)).resolve(false);
    await probe.closed(side, 'your server to destroy the denied connection', HINT.deny);
    await denied.waitForEnd('the denied client to see its connection close', HINT.deny);
    const admitted = await connect(port, 'the worker');
    (await admitCallFor(admit, admitted)).resolve(true);
    await admitted.expectNext('WORKER\n', "the worker's greeting to the admitted client", HINT.handoff);
    if (denied.unread.length || worker.received.includes(side.port)) {
      fail({ message: 'a denied connection reached the worker', expected: 'denied connections destroyed here, never sent', actual: denied.unread.length ? `the denied client received ${show(denied.text())}` : 'the worker received it', hint: HINT.deny });
    }
  });
});
