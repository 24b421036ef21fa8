// Hidden tests for lesson 01: a SHOUT line server and a line client, driven over loopback.
// One or more checks per contract clause of exercises/01-tcp-handshake.ts (the [n.m] tags), each
// with edge inputs: empty lines, spaces, "\r", look-alikes of QUIT, megabytes, bytes split
// anywhere, lines after QUIT in later chunks. They check behaviour only, so any correct
// implementation passes, however it splits, buffers or decodes.
// try: createShoutServer() on PORT
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, test } from 'vitest';
import { todoOrRethrow, useExercise } from '../harness/exercise.ts';
import { expectEqual, fail, LessonFailure, show } from '../harness/failure.ts';
import {
  closedPort,
  connect,
  HOST,
  learnerConnectionsClosed,
  learnerSocketErrors,
  listen,
  type Peer,
  serve,
} from '../harness/net.ts';
import { chunkingProxy } from '../harness/proxy.ts';
import { connectPath, listenOnPath, socketPath } from '../harness/unix.ts';
import { until, within } from '../harness/wait.ts';
import { watchSettle } from '../harness/learner-call.ts';

interface Lesson01 {
  createShoutServer(): net.Server;
  talk(port: number, host: string, lines: string[]): Promise<string>;
}

const lesson = useExercise<Lesson01>('01-tcp-handshake');

const HINT = {
  greeting: 'Write "HELLO\\n" on the socket as soon as the connection callback runs, before any data arrives.',
  greetOnce: "Greet once per connection, in the connection callback: not again on each 'data' event or reply.",
  lines:
    'TCP delivers a stream of bytes, not messages: one line can arrive in several chunks and one chunk can hold several lines. Keep the unfinished text per connection and answer each line once its "\\n" arrives.',
  interactive: 'Answer each complete line as soon as it arrives: this client waits for each reply before sending the next line.',
  utf8: "Multi-byte characters came back broken. Decode the bytes as UTF-8, and never one chunk on its own: a chunk boundary can fall inside a character. Call socket.setEncoding('utf8') before reading, or keep the Buffers and decode only complete lines.",
  cr: 'Split lines at "\\n" only: "\\r" is an ordinary character here and stays in the reply. (node:readline and split(/\\r?\\n/) both treat it as a line end.)',
  spaces: 'Reply with the whole line: do not trim() it, spaces and tabs belong to the line.',
  emptyLine: 'An empty line is a line too: answer it with just "\\n" (do not skip empty strings after splitting).',
  upper: 'Reply with line.toUpperCase(): the whole line, in upper case.',
  replyEnd: 'End each reply with "\\n" and nothing else: the reply is line.toUpperCase() + "\\n".',
  quitExact: "Only a line that is exactly QUIT quits: compare with line === 'QUIT', without trim(), toUpperCase(), includes() or startsWith().",
  quit: 'On the line QUIT, write "BYE\\n", end the connection with socket.end(), and stop answering that client.',
  graceful:
    "End with socket.end() (or socket.end('BYE\\n')): it sends every queued reply first, then the FIN. socket.destroy() throws away what is still queued, and so does the end of a for await loop over the socket (iterate socket.iterator({ destroyOnReturn: false }) instead).",
  afterQuitSameChunk: 'After QUIT, stop at once: leave the loop over the lines of this chunk and answer nothing more on that connection.',
  afterQuitLater: "Remember that this client said QUIT (a flag inside the connection callback, or socket.writableEnded) and ignore every later 'data' event.",
  unfinished: "Text after the client's last \"\\n\" is not a line: when the client ends, drop it. (node:readline answers it as a last line.)",
  endWhileQueued:
    "When the client ends its side, end yours every time, also while replies are still queued: socket.end() sends them first, then the FIN. (Node's default allowHalfOpen: false does exactly this.)",
  endOnEnd: "Keep the default allowHalfOpen: false, so Node ends your side when the client ends, or call socket.end() on 'end'.",
  perConnection:
    'Each connection needs its own unfinished-line buffer: declare it inside the connection callback, not at the top of the file where all clients share it.',
  quitPerConnection: "A QUIT ends only that client's conversation: keep the QUIT flag inside the connection callback, and do not close the server.",
  reset: "A client that resets its connection makes its socket emit 'error' (ECONNRESET). Add socket.on('error', ...) to every socket the server accepts, so one bad client cannot crash the server.",
  host: 'Pass the host you were given to net.connect(port, host). Without it Node connects to "localhost", which is not always the address you were given.',
  halfClose: 'After writing the last line, call socket.end(): it sends FIN ("I am done sending") and you can still read the reply.',
  sendExact: 'Write each line followed by "\\n", in order, and nothing else: keep empty lines and spaces, add no "\\r".',
  wholeReply:
    "Resolve only on the socket's 'end' event, when the server has finished: before that, more 'data' may still come. Collect every chunk until then.",
  talkUtf8: "A chunk boundary fell inside a multi-byte character and it came back broken (U+FFFD, �). Collect the Buffers and decode once at the end (Buffer.concat(chunks).toString('utf8')), or call socket.setEncoding('utf8') before reading.",
  reject: "Listen for 'error' on the socket and pass that same error object to reject(): its code (ECONNREFUSED, ECONNRESET) tells the caller what happened.",
};

/**
 * Picks the hint that fits what the server sent instead of `expected`, from the first character
 * where they differ: a hint must never suggest a fix the learner's code already has.
 */
function hintFor(expected: string, fallback: string) {
  return (got: string): string => {
    if (got.includes('\uFFFD') && !expected.includes('\uFFFD')) return HINT.utf8;
    let i = 0;
    while (i < got.length && i < expected.length && got[i] === expected[i]) i++;
    if (i >= got.length || i >= expected.length) {
      // Nothing different yet, it stopped short: right where a reply should end with "\n"?
      return got.length && expected[i] === '\n' && expected[i - 1] !== '\n' ? HINT.replyEnd : fallback;
    }
    const [want, have] = [expected[i], got[i]];
    if (got.startsWith('BYE\n', i) && !expected.startsWith('BYE\n', i)) return HINT.quitExact;
    if (expected.startsWith('BYE\n', i)) return HINT.quit;
    if (want === '\n' && have === '\r') return HINT.replyEnd;
    if (want === '\r') return HINT.cr;
    if (want === '\n' && (i === 0 || expected[i - 1] === '\n')) return HINT.emptyLine;
    if (want === ' ' || want === '\t' || have === ' ' || have === '\t') return HINT.spaces;
    if (have === '\n') return HINT.lines; // a reply to part of a line: the line was split
    if (have.toUpperCase() !== have && expected.startsWith(have.toUpperCase(), i)) return HINT.upper; // "ß" → "SS" too
    if (have.normalize('NFD')[0] === want) return HINT.upper; // "İ" for "I": a locale's upper case
    if (want.charCodeAt(0) > 127 || have.charCodeAt(0) > 127) return HINT.utf8; // a character mangled
    return fallback;
  };
}

async function startShoutServer(): Promise<number> {
  return listen(await lesson.call('createShoutServer'), 'createShoutServer()');
}

async function greeted(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<Peer> {
  return expectGreeting(await connect(port, 'your server', options));
}

async function expectGreeting(client: Peer): Promise<Peer> {
  await client.expectNext('HELLO\n', 'the greeting "HELLO\\n"', HINT.greeting);
  return client;
}

/**
 * A greeted client of the learner's server listening on a Unix socket instead of TCP, for the
 * checks that need replies still queued in Node when the connection ends. The server's code
 * cannot tell (a net.Socket either way), but the kernel can: on loopback TCP one write is taken
 * whole up to several MB (the window grows in 64 KB segments), so a torn-down connection lost
 * nothing below ~4 MB, machine-dependently; a Unix socket takes ~200 KB (Linux; 8 KB on macOS),
 * so most of a 2 MB reply is certainly still queued in Node.
 */
async function greetedOnPath(): Promise<Peer> {
  const where = socketPath('shout');
  await listenOnPath(await lesson.call('createShoutServer'), where, 'createShoutServer()');
  return expectGreeting(await connectPath(where, 'your server'));
}

/** Sends `text` and expects `reply`, with a hint picked from what came back instead. */
async function exchange(client: Peer, text: string, reply: string, what: string, fallback: string): Promise<void> {
  await client.write(text);
  await client.expectNext(reply, what, hintFor(reply, fallback));
}

/**
 * After the client ends too, waits until the server has handled every byte (its connection
 * closed), then fails if it wrote after ending: the write never reaches the wire, so only the
 * socket's error shows it (a handled one too; an unhandled one fails the check as a crash).
 */
async function expectNoWriteAfterEnd(client: Peer, hint: string): Promise<void> {
  client.end();
  await learnerConnectionsClosed('your server to close the connection once the client has ended too', HINT.endOnEnd);
  if (learnerSocketErrors().some((e) => e.code === 'ERR_STREAM_WRITE_AFTER_END')) {
    fail({
      message: 'your server wrote to the connection after ending it (ERR_STREAM_WRITE_AFTER_END): it answered a line that came after QUIT',
      expected: 'nothing written after QUIT',
      actual: 'a write() after socket.end()',
      hint,
    });
  }
}

/**
 * After BYE: the server must end the connection, send nothing more, and not write after ending,
 * also when the client sends `more` after reading BYE.
 */
async function expectEndAfterBye(client: Peer, hint: string, more?: string): Promise<void> {
  await client.waitForEnd('your server to end the connection after "BYE\\n"', HINT.quit);
  if (client.unread.length) {
    fail({ message: 'your server sent more after "BYE\\n"', expected: 'nothing after "BYE\\n", then the end of the connection', actual: show(client.unread.toString('utf8')), hint });
  }
  if (more !== undefined) await client.write(more).catch(() => {}); // a torn-down connection is 1.7's concern
  await expectNoWriteAfterEnd(client, hint);
}

const big = (mb: number) => 'abcdefghijklmnopqrstuvwxyz012345'.repeat(mb * 32 * 1024);

describe('Task 1: createShoutServer()', () => {
  test('returns a new server that is not listening yet, for the checks to listen on [1.1]', async () => {
    // Two calls, two servers, each listening where the checks chose and accepting a client.
    const [a, b] = [await startShoutServer(), await startShoutServer()];
    await connect(a, 'your first server');
    await connect(b, 'your second server');
  });

  test('greets each new connection with HELLO before the client sends anything [1.2]', async () => {
    const port = await startShoutServer();
    const first = await greeted(port);
    const second = await greeted(port);
    // One greeting per connection, then only replies.
    const once = (reply: string) => (got: string) => (got.startsWith('HELLO') ? HINT.greetOnce : hintFor(reply, HINT.interactive)(got));
    await second.write('x\n');
    await second.expectNext('X\n', 'the reply to "x" (after one greeting, nothing else)', once('X\n'));
    await first.write('y\n');
    await first.expectNext('Y\n', 'the reply to "y" (after one greeting, nothing else)', once('Y\n'));
  });

  test('answers each line in upper case as soon as it arrives [1.4]', async () => {
    const client = await greeted(await startShoutServer());
    for (const line of ['hello', 'Node.js streams', 'straße ﬁx', 'quitting time is not QUIT']) {
      await exchange(client, `${line}\n`, `${line.toUpperCase()}\n`, `the reply to ${show(`${line}\n`)}`, HINT.interactive);
    }
  });

  test('keeps empty lines, spaces, tabs and "\\r" as part of the line [1.3, 1.4]', async () => {
    const client = await greeted(await startShoutServer());
    const lines = ['', '   ', '  padded  ', 'tab\there\t', 'crlf\r', '\r', 'mid\rdle', '\r\r', ''];
    const sent = lines.map((l) => `${l}\n`).join('');
    await exchange(client, sent, sent.toUpperCase(), `what your server sent for ${show(sent)} (one write)`, HINT.lines);
    await exchange(client, 'still here\n', 'STILL HERE\n', 'the reply to "still here" after them', HINT.lines);
  });

  test('treats only the exact line QUIT as QUIT: " QUIT", "quit", "QUIT\\r", "QUITTING" are ordinary lines [1.6]', async () => {
    const client = await greeted(await startShoutServer());
    const lookAlikes = [' QUIT', 'QUIT ', 'quit', 'Quit', 'QUIT\r', 'QUITTING', 'QUI', 'xQUIT', '"QUIT"', 'QUIT QUIT'];
    for (const line of lookAlikes) {
      await exchange(client, `${line}\n`, `${line.toUpperCase()}\n`, `the reply to ${show(`${line}\n`)}, which is not QUIT`, HINT.quitExact);
    }
  });

  test('waits for the whole line when it arrives one byte per chunk [1.5]', async () => {
    const proxy = await chunkingProxy(await startShoutServer(), { split: 1 });
    const client = await greeted(proxy.port);
    await exchange(client, 'split into bytes\n', 'SPLIT INTO BYTES\n', 'one reply to "split into bytes\\n", which reached your server one byte per chunk', HINT.lines);
  });

  test('answers every line, in order, when many lines arrive in one chunk [1.5]', async () => {
    const proxy = await chunkingProxy(await startShoutServer(), 'hold');
    const client = await greeted(proxy.port);
    const lines = [...Array.from({ length: 200 }, (_, i) => `line ${i + 1} of 200`), '', 'after an empty one'];
    const text = `${lines.join('\n')}\nand half a li`;
    await client.write(text);
    // Everything reaches the server glued together in one chunk, ending in an unfinished line.
    await proxy.releaseWhenHolding(Buffer.byteLength(text));
    const expected = lines.map((l) => `${l.toUpperCase()}\n`).join('');
    await client.expectNext(expected, 'what your server sent for 202 lines in one chunk (one reply per line, in order)', hintFor(expected, HINT.lines));
    await client.write('ne\n');
    await proxy.releaseWhenHolding(3);
    await client.expectNext('AND HALF A LINE\n', 'the reply to "and half a li" + "ne\\n"', hintFor('AND HALF A LINE\n', HINT.lines));
  });

  test('answers a 1 MB line, which can only arrive in many chunks [1.5]', async () => {
    const client = await greeted(await startShoutServer());
    const line = big(1);
    await exchange(client, `${line}\n`, `${line.toUpperCase()}\n`, 'one reply to a 1 MB line', HINT.lines);
  });

  test('keeps multi-byte UTF-8 characters intact when a chunk boundary splits one [1.3, 1.5]', async () => {
    const proxy = await chunkingProxy(await startShoutServer(), { split: 1 });
    const client = await greeted(proxy.port);
    const line = 'héllo wörld, ça coûte 3 € ✓ 🚀';
    await exchange(client, `${line}\n`, `${line.toUpperCase()}\n`, `the reply to ${show(line)}, which reached your server one byte per chunk`, HINT.lines);
  });

  test('answers QUIT with BYE and ends the connection, also when QUIT arrives split across chunks [1.5, 1.6]', async () => {
    // In pieces of 4 bytes: "one\n" "QUIT" "TING" "\nQUI" "T\n": QUITTING starts like QUIT.
    const proxy = await chunkingProxy(await startShoutServer(), { split: 4 });
    const client = await greeted(proxy.port);
    await client.write('one\nQUITTING\nQUIT\n');
    await client.expectNext('ONE\nQUITTING\nBYE\n', 'what your server sent for "one\\nQUITTING\\nQUIT\\n", which arrived 4 bytes per chunk', hintFor('ONE\nQUITTING\nBYE\n', HINT.quit));
    await client.expectEnd('your server to end the connection after "BYE\\n"', HINT.quit);
  });

  test('delivers every queued reply, then BYE, before ending: 2 MB of them [1.7, 1.9]', async () => {
    const client = await greetedOnPath();
    // Far more than the Unix socket's buffers hold: most of the reply is still queued in Node when
    // QUIT and then the client's FIN arrive right behind the line, so a connection torn down
    // (destroy()) instead of ended, on QUIT or on the client's end, loses it.
    const line = big(2);
    await client.write(`${line}\nQUIT\n`);
    client.end();
    const expected = `${line.toUpperCase()}\nBYE\n`;
    // Cut off inside the reply: the rest was thrown away. Otherwise the line or QUIT went astray.
    const hint = (got: string) => (expected.startsWith(got) && got.length && !got.endsWith('\n') ? HINT.graceful : hintFor(expected, HINT.lines)(got));
    await client.expectNext(expected, 'the reply to a 2 MB line, then "BYE\\n"', hint, { ms: 10_000 });
    await client.expectEnd('your server to end the connection after "BYE\\n"', HINT.graceful);
  });

  test('delivers every queued reply before ending when the client ends its side: 2 MB of them [1.7, 1.9]', async () => {
    const client = await greetedOnPath();
    // The client's FIN arrives right behind the line, while most of the 2 MB reply is still
    // queued in Node: a server that ends (or tears down) only when nothing is queued loses it.
    const line = big(2);
    await client.write(`${line}\n`);
    client.end();
    const expected = `${line.toUpperCase()}\n`;
    const hint = (got: string) => (expected.startsWith(got) && got.length && !got.endsWith('\n') ? HINT.graceful : hintFor(expected, HINT.lines)(got));
    await client.expectNext(expected, 'the reply to a 2 MB line sent just before the client ended its side', hint, { ms: 10_000 });
    await client.expectEnd('your server to end the connection once the queued reply was sent', HINT.endWhileQueued);
  });

  test('ignores the lines after QUIT in the same chunk [1.8]', async () => {
    const client = await greeted(await startShoutServer());
    await client.write('one\nQUIT\nthis comes after QUIT\nQUIT\n');
    // Stopped short with the connection still open: the lines of one chunk went astray; closed: BYE was lost.
    const hint = (got: string) => hintFor('ONE\nBYE\n', client.ended || client.closed ? HINT.graceful : HINT.lines)(got);
    await client.expectNext('ONE\nBYE\n', 'what your server sent for "one\\nQUIT\\n…" (one write)', hint);
    await expectEndAfterBye(client, HINT.afterQuitSameChunk);
  });

  test('ignores lines that arrive in a later chunk, after the client has read BYE [1.8]', async () => {
    // The client reads BYE before sending more, so the server has surely handled QUIT when the
    // next line arrives, in a chunk of its own.
    const client = await greeted(await startShoutServer(), { allowHalfOpen: true });
    await exchange(client, 'QUIT\n', 'BYE\n', 'the reply to "QUIT"', HINT.quit);
    await expectEndAfterBye(client, HINT.afterQuitLater, 'one more thing\n');
  });

  test('replies to the last line, then ends too, when the client ends its side [1.9]', async () => {
    const client = await greeted(await startShoutServer());
    await client.write('last words\n');
    client.end();
    await client.expectNext('LAST WORDS\n', 'the reply to "last words", sent just before the client ended its side', HINT.interactive);
    await client.expectEnd('your server to end the connection after the client ended its side', HINT.endOnEnd);
  });

  test('gives no reply to unfinished text when the client ends its side [1.9]', async () => {
    const port = await startShoutServer();
    for (const [text, reply] of [['done\nunfinished', 'DONE\n'], ['QUIT', '']]) {
      const client = await greeted(port);
      await client.write(text);
      client.end();
      await client.expectNext(reply, `what your server sent for ${show(text)} and then the client's end`, HINT.unfinished);
      await client.expectEnd(`your server to end the connection after the client ended with ${show(text)}`, HINT.unfinished);
    }
  });

  test('serves several clients at once, each with its own unfinished line [1.10]', async () => {
    const port = await startShoutServer();
    const [alice, bob, carol] = [await greeted(port), await greeted(port), await greeted(port)];
    // A full round trip on another connection proves the server has read the bytes written
    // before it: everything here shares one event loop with the server.
    await alice.write('hel');
    await exchange(bob, 'ping\n', 'PING\n', "the reply to bob's \"ping\\n\" while alice has sent half a line", HINT.perConnection);
    await bob.write('wor');
    await exchange(carol, 'ping\n', 'PING\n', "the reply to carol's \"ping\\n\" while alice and bob have sent half a line each", HINT.perConnection);
    await exchange(alice, 'lo\n', 'HELLO\n', "the reply to alice's \"hel\" + \"lo\\n\"", HINT.perConnection);
    await exchange(bob, 'ld\n', 'WORLD\n', "the reply to bob's \"wor\" + \"ld\\n\"", HINT.perConnection);
  });

  test('keeps serving the other clients when one says QUIT [1.10]', async () => {
    const port = await startShoutServer();
    const [alice, bob] = [await greeted(port), await greeted(port)];
    await exchange(alice, 'QUIT\n', 'BYE\n', "the reply to alice's QUIT", HINT.quit);
    await alice.expectEnd("your server to end alice's connection after \"BYE\\n\"", HINT.quit);
    await exchange(bob, 'still here\n', 'STILL HERE\n', "the reply to bob's line after alice said QUIT", HINT.quitPerConnection);
    const carol = await connect(port, 'your server');
    await carol.expectNext('HELLO\n', 'the greeting to a new client after another one said QUIT', HINT.quitPerConnection);
  });

  test('keeps serving other clients after one resets its connection [1.11]', async () => {
    const port = await startShoutServer();
    const rude = await greeted(port);
    await exchange(rude, 'ping\n', 'PING\n', 'the reply to "ping"', HINT.interactive);
    // Reset only once the server has read everything: a reset that arrives right behind data
    // can be read as a normal end on Linux, and then there would be no error to handle.
    rude.reset();
    const polite = await connect(port, 'your server');
    await polite.expectNext('HELLO\n', 'the greeting to a new client, after another client reset its connection', HINT.reset);
    await exchange(polite, 'still there?\n', 'STILL THERE?\n', 'the reply to "still there?"', HINT.reset);
  });
});

/** Calls talk() without waiting for it; `guard` makes any wait fail at once if talk() fails. */
function startTalk(port: number, lines: string[], host = HOST) {
  const reply: Promise<string> = lesson.call('talk', port, host, lines).catch((err: unknown) => todoOrRethrow('talk', lesson.file, err));
  reply.catch(() => {}); // handled wherever it is awaited; never an unhandled rejection
  const failed = reply.then(
    () => new Promise<never>(() => {}),
    (err: unknown) => Promise.reject(rejectedEarly(err)),
  );
  failed.catch(() => {}); // only raced against waits
  const settled = watchSettle(reply);
  return {
    reply,
    guard: <T>(wait: Promise<T>): Promise<T> => Promise.race([wait, failed]),
    /**
     * Fails if talk() settles within a few turns of the event loop, while the connection is
     * still open: data the check wrote is read by then (loopback, one process).
     */
    stillPending: async (when: string): Promise<void> => {
      for (let turn = 0; turn < 10 && settled.now.state === 'pending'; turn++) await nextTurn();
      const now = settled.now;
      if (now.state === 'resolved') {
        fail({ message: `talk() resolved ${when}`, expected: 'talk() still waiting for the end of the connection', actual: `resolved with ${show(now.value)}`, hint: HINT.wholeReply });
      }
      if (now.state === 'rejected') throw rejectedEarly(now.error);
    },
    result: async (hint = HINT.wholeReply): Promise<string> => {
      const value: unknown = await within(reply, 'talk() to resolve after the server ended the connection', { hint }).catch((err: unknown) => {
        throw rejectedEarly(err, 'the server ended the connection normally');
      });
      if (typeof value !== 'string') {
        const what = Buffer.isBuffer(value) ? 'a Buffer' : value === undefined ? 'undefined' : `a ${typeof value}`;
        fail({ message: `talk() resolved with ${what}, not a string`, expected: 'the reply as a string', actual: what, hint: "Decode what you collected: Buffer.concat(chunks).toString('utf8'), or call socket.setEncoding('utf8')." });
      }
      return value;
    },
  };
}

/** talk() rejected although nothing failed: the check's server was listening and did not reset. */
function rejectedEarly(err: unknown, although = 'the server was listening and still connected') {
  if ((err as { netlings?: unknown })?.netlings) return err; // TODO or a throw: report as is
  const e = err as NodeJS.ErrnoException;
  return new LessonFailure({
    kind: 'assertion',
    message: `talk() rejected with ${e instanceof Error ? `${e.code ?? e.name}: ${e.message}` : show(String(err))}, although ${although}`,
    hint: "Reject only on the socket's 'error' (connecting failed or the connection broke). Connect to exactly the port and host you were given, and resolve when the server ends, even if it sent nothing.",
  });
}

/** Waits for talk() to settle and returns how; a test decides which outcome is right. */
async function outcome(reply: Promise<string>, waitingFor: string, hint: string) {
  return within(
    reply.then(
      (value) => ({ resolved: true as const, value }),
      (error: unknown) => ({ resolved: false as const, error }),
    ),
    waitingFor,
    { hint },
  ).then((o) => {
    if (!o.resolved && (o.error as { netlings?: unknown })?.netlings) throw o.error; // TODO or a throw: report as is
    return o;
  });
}

/** talk() must reject with the socket's own error, whose code is `code`. */
async function expectRejection(reply: Promise<string>, code: string, why: string, resolvedHint: string): Promise<void> {
  const o = await outcome(reply, `talk() to reject: ${why}`, HINT.reject);
  if (o.resolved) {
    fail({ message: `talk() resolved although ${why}`, expected: `a rejected promise (${code})`, actual: `resolved with ${show(String(o.value))}`, hint: resolvedHint });
  }
  const err = o.error as NodeJS.ErrnoException;
  if (!(err instanceof Error) || err.code !== code) {
    const got = err instanceof Error ? `an Error with code ${err.code === undefined ? 'undefined' : show(String(err.code))}: ${show(err.message)}` : `${typeof err} ${show(String(err))}`;
    fail({ message: `talk() rejected, but not with the socket's error (${why})`, expected: `the socket's Error, with code "${code}"`, actual: got, hint: HINT.reject });
  }
}

/** Waits for the client's FIN on `conn`, failing at once if talk() fails first. */
const clientDone = (talk: ReturnType<typeof startTalk>, conn: Peer) =>
  talk.guard(conn.waitForEnd('your client to end its side of the connection after the last line', HINT.halfClose));

describe('Task 2: talk()', () => {
  test('connects to the host it is given: a server only on ::1, and one only on 127.0.0.1 [2.1]', async (ctx) => {
    for (const [host, other] of [['::1', '127.0.0.1'], ['127.0.0.1', '::1']]) {
      // A decoy on the other loopback address at the same port: a client that ignores `host`
      // connects to "localhost", which is one of the two (which one first depends on the machine).
      const arrivals = new EventEmitter();
      let first: { peer: Peer; at: string } | undefined;
      const arrived = (at: string) => (peer: Peer) => {
        first ??= { peer, at };
        arrivals.emit('change');
      };
      const right = await serve(arrived(host), undefined, { host }).catch(() => undefined);
      if (!right) return ctx.skip('IPv6 loopback (::1) is not available on this machine');
      await serve(arrived(other), undefined, { host: other, port: right.port }).catch(() => undefined); // taken there: no decoy
      const talk = startTalk(right.port, ['hi'], host);
      const reached = await talk.guard(
        until(
          (notify) => (arrivals.on('change', notify), () => arrivals.off('change', notify)),
          () => first,
          `your client to connect to ${host} port ${right.port}`,
          { hint: HINT.host },
        ),
      );
      if (reached.at !== host) {
        fail({ message: `talk() connected to ${other}, not to the host it was given`, expected: `a connection to ${host} port ${right.port}`, actual: `a connection to ${other} port ${right.port}`, hint: HINT.host });
      }
      await clientDone(talk, reached.peer);
      reached.peer.end('OK\n');
      expectEqual(await talk.result(), 'OK\n', `the text talk() resolved with, from the server on ${host}`, HINT.wholeReply);
    }
  });

  test('sends each line followed by "\\n", then ends its side of the connection [2.2, 2.3]', async () => {
    const srv = await serve();
    const lines = ['hello', '', '  spaced out  ', 'wörld €', 'tab\t', 'bye'];
    const talk = startTalk(srv.port, lines);
    const conn = await talk.guard(srv.nextConnection());
    await clientDone(talk, conn);
    expectEqual(conn.text(), lines.map((l) => `${l}\n`).join(''), 'what your client sent', HINT.sendExact);
    conn.end();
    await talk.result();
  });

  test('sends nothing and ends at once when the list of lines is empty [2.2, 2.3]', async () => {
    const srv = await serve();
    const talk = startTalk(srv.port, []);
    const conn = await talk.guard(srv.nextConnection());
    await talk.guard(conn.waitForEnd('your client to end its side of the connection at once: there are no lines to send', 'With no lines to send, call socket.end() right away.'));
    expectEqual(conn.text(), '', 'what your client sent for an empty list of lines', 'With no lines, write nothing at all: just call socket.end().');
    conn.end('HELLO\n');
    expectEqual(await talk.result(), 'HELLO\n', 'the text talk() resolved with', HINT.wholeReply);
  });

  test('resolves with everything the server sent, once the server ends the connection [2.4]', async () => {
    const srv = await serve((peer) => void peer.write('HELLO\n'));
    const talk = startTalk(srv.port, ['hi', 'there']);
    const conn = await talk.guard(srv.nextConnection());
    await clientDone(talk, conn);
    // In separate turns, so the replies after the client's FIN arrive as separate chunks; a line
    // server may say anything before it ends, even BYE, and the end decides, not the text.
    for (const part of ['HI\n', 'BYE\n']) {
      await conn.write(part);
      await nextTurn();
    }
    await talk.stillPending('when the server had sent "BYE\\n" but not ended the connection');
    await conn.write('THERE\n');
    conn.end();
    expectEqual(await talk.result(), 'HELLO\nHI\nBYE\nTHERE\n', 'the text talk() resolved with', HINT.wholeReply);
  });

  test('resolves with an empty string when the server sends nothing [2.4]', async () => {
    const srv = await serve();
    const talk = startTalk(srv.port, ['anyone?']);
    const conn = await talk.guard(srv.nextConnection());
    await clientDone(talk, conn);
    conn.end();
    expectEqual(await talk.result(), '', 'the text talk() resolved with, from a server that sent nothing', HINT.wholeReply);
  });

  test('waits for the end of a 1 MB reply, which can only arrive in many chunks [2.4]', async () => {
    const reply = 'The quick brown fox jumps over the lazy dog.\n'.repeat(23_000);
    const srv = await serve();
    const talk = startTalk(srv.port, ['send me a lot']);
    const conn = await talk.guard(srv.nextConnection());
    await clientDone(talk, conn);
    conn.end(reply);
    expectEqual(await talk.result(), reply, 'the text talk() resolved with', HINT.wholeReply);
  });

  test('decodes UTF-8 characters that arrive split between chunks [2.4]', async () => {
    const text = 'héllo wörld, ça coûte 3 € ✓ 🚀\n';
    const srv = await serve();
    const talk = startTalk(srv.port, ['unicode please']);
    const conn = await talk.guard(srv.nextConnection());
    await clientDone(talk, conn);
    await conn.writeInPieces(text, 1);
    conn.end();
    const got = await talk.result();
    expectEqual(got, text, 'the text talk() resolved with (sent one byte per chunk)', got.includes('\uFFFD') ? HINT.talkUtf8 : HINT.wholeReply);
  });

  test('rejects with the socket\'s error (ECONNREFUSED) when nothing listens on the port [2.5]', async () => {
    const port = await closedPort();
    await expectRejection(startTalk(port, ['anyone?']).reply, 'ECONNREFUSED', 'nothing listens on that port', HINT.reject);
  });

  test('rejects with the socket\'s error (ECONNRESET) when the server resets the connection [2.5]', async () => {
    const srv = await serve();
    const talk = startTalk(srv.port, ['hello']);
    const conn = await talk.guard(srv.nextConnection());
    await clientDone(talk, conn);
    // A reset before any reply reaches the client as ECONNRESET on every platform. (Data followed
    // by a reset may be read as a normal end on Linux, so that case is not a fair check.)
    conn.reset();
    await expectRejection(talk.reply, 'ECONNRESET', 'the server reset the connection', "Resolve on 'end' (the server finished), not on 'close' (which also follows errors), and reject on 'error'.");
  });
});
