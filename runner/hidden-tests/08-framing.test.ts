// Hidden tests for lesson 08: length-prefixed frames and newline-delimited JSON over a real TCP
// connection, in both directions. The learner's functions get one end of a socket pair; the
// check plays the other end (framing.ts's Wire), chooses how bytes are chunked, plays a slow
// reader, and watches how much the learner queues. Nothing waits on a timer.
// try: an NDJSON echo server on PORT and a frame echo server on FRAME_PORT, built from the four functions
import { isDeepStrictEqual } from 'node:util';
import type net from 'node:net';
import { describe, test } from 'vitest';
import { todoOrRethrow, useExercise } from '../harness/exercise.ts';
import { fail, LessonFailure, show } from '../harness/failure.ts';
import { frame, pattern, socketPair, untilRead, watchWrites, type Wire } from '../harness/framing.ts';
import { within } from '../harness/wait.ts';

interface Lesson08 {
  writeFrames(socket: net.Socket, payloads: Buffer[]): Promise<void>;
  readFrames(socket: net.Socket, maxLength: number, onFrame: (payload: Buffer) => void): Promise<void>;
  writeJsonLines(socket: net.Socket, values: unknown[]): Promise<void>;
  readJsonLines(socket: net.Socket, maxLineBytes: number, onMessage: (value: unknown) => void): Promise<void>;
}

const lesson = useExercise<Lesson08>('08-framing');

const MB16 = 16 * 1024 * 1024;
/** Waits that move 16 MB through loopback (and copy it a few times) get more time. */
const BIG_MS = 10_000;

const HINT = {
  header: 'Before each payload, write its length as 4 bytes, most significant first: const header = Buffer.alloc(4); header.writeUInt32BE(payload.length).',
  keepOpen: 'Do not end the socket: the caller may send more messages on it.',
  drain: "When socket.write() returns false, stop and wait for the socket's 'drain' event (await once(socket, 'drain') from node:events) before you write the next one.",
  resolveLast: 'Resolve only after the loop has written everything: await each wait for drain inside the loop, and resolve (or return) after it.',
  writeError: "While you wait for 'drain', also listen for 'error' and reject with it: a broken connection never drains. events.once(socket, 'drain') does both.",
  frames:
    'Keep the bytes that are not a whole frame yet, across chunks. Once 4 bytes are there, read the length; once that many more are there, cut out the payload; then loop on what is left: one chunk can hold many frames, or a part of one.',
  bigFrame:
    'A 16 MB frame arrives in hundreds of chunks: keep them all until the frame is whole. If this was too slow, Buffer.concat([pending, chunk]) on every chunk copies gigabytes: keep a list of chunks and join them once the frame is complete.',
  limit: 'Compare the length with maxLength as soon as its 4 bytes have arrived, before waiting for the payload.',
  frameEnd: "On 'end', resolve if no partial frame is left over, otherwise reject with an Error whose code is 'ERR_FRAME_TRUNCATED'.",
  socketError: "Listen for the socket's 'error' event and reject the promise with the error.",
  json: 'Write JSON.stringify(value) + "\\n" for each value, in order, and nothing else.',
  lines: 'Keep the bytes after the last "\\n" across chunks; for each complete line, JSON.parse it and call onMessage, in order.',
  utf8: "Split the Buffer at 0x0a before decoding, or use a StringDecoder (setEncoding('utf8')): decoding each chunk on its own breaks characters cut between chunks.",
  blank: 'Skip a line when line.trim() is empty, before JSON.parse (which throws on an empty string).',
  badJson: 'Wrap JSON.parse in try/catch; on an error, destroy the socket and reject with that very error.',
  tooLong: "Check the length in bytes (Buffer.byteLength, or count the bytes you keep) of the unfinished line after every chunk, and of every complete line: over maxLineBytes, destroy the socket and reject with code 'ERR_LINE_TOO_LONG'.",
  lineEnd: "On 'end', resolve if only whitespace follows the last \"\\n\", otherwise reject with an Error whose code is 'ERR_LINE_TRUNCATED'.",
};

type Outcome<T> = { resolved: true; value: T } | { resolved: false; error: unknown };
const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;
const describeError = (err: unknown) => (err instanceof Error ? `${err.name}${codeOf(err) ? ` [${codeOf(err)}]` : ''}: ${err.message}` : `a non-Error value: ${String(err)}`);

type Name = keyof Lesson08;

/** Calls a learner function and keeps its promise, with its outcome readable at any time. */
function start<K extends Name>(name: K, ...args: Parameters<Lesson08[K]>) {
  const promise = (lesson.call as (n: K, ...a: unknown[]) => Promise<void>)(name, ...args).catch((err: unknown) => todoOrRethrow(name, lesson.file, err));
  const call = { name, promise, outcome: undefined as Outcome<void> | undefined };
  promise.then(
    () => (call.outcome = { resolved: true, value: undefined }),
    (error: unknown) => (call.outcome = { resolved: false, error }),
  );
  return call;
}
type Call = ReturnType<typeof start>;

/** Waits for the call to settle; a TODO or a throw is reported as is. */
async function settled(call: Call, waitingFor: string, hint: string, ms?: number): Promise<Outcome<void>> {
  const o = await within(
    call.promise.then(
      () => ({ resolved: true as const, value: undefined }),
      (error: unknown) => ({ resolved: false as const, error }),
    ),
    waitingFor,
    { hint, ms },
  );
  if (!o.resolved && (o.error as { netlings?: unknown })?.netlings) throw o.error;
  return o;
}

async function expectResolves(call: Call, waitingFor: string, hint: string, ms?: number): Promise<void> {
  const o = await settled(call, `${call.name}() to resolve: ${waitingFor}`, hint, ms);
  if (!o.resolved) fail({ message: `${call.name}() rejected: ${describeError(o.error)}`, expected: `it resolves (${waitingFor})`, actual: `rejected with ${describeError(o.error)}`, hint });
}

async function expectRejects(call: Call, waitingFor: string, hint: string): Promise<unknown> {
  const o = await settled(call, `${call.name}() to reject: ${waitingFor}`, hint);
  if (o.resolved) fail({ message: `${call.name}() resolved although ${waitingFor}`, expected: 'a rejected promise', actual: 'it resolved', hint });
  return o.error;
}

function expectCode(call: Call, error: unknown, code: string, situation: string, hint: string): void {
  if (!(error instanceof Error) || codeOf(error) !== code) {
    fail({ message: `${call.name}() rejected, but not with ${code}, when ${situation}`, expected: `an Error whose code is ${show(code)}`, actual: describeError(error), hint });
  }
  if (!error.message.trim()) {
    fail({ message: `${call.name}() rejected with ${code} but an empty message, when ${situation}`, expected: 'a message that says what happened', actual: 'an empty message', hint: 'Pass a message to new Error(...): it is what a person reading the log sees; the code is for programs.' });
  }
}

/** Bytes as a learner can compare them: hex for short ones, else the size and the first difference. */
function describeBytes(bytes: Buffer, against?: Buffer): string {
  const hex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  if (bytes.length <= 24) return `${bytes.length} bytes: ${hex(bytes) || '(none)'}`;
  if (!against) return `${bytes.length.toLocaleString('en')} bytes, starting ${hex(bytes.subarray(0, 12))} …`;
  let i = 0;
  while (i < bytes.length && i < against.length && bytes[i] === against[i]) i++;
  return `${bytes.length.toLocaleString('en')} bytes; from byte ${i.toLocaleString('en')} on: ${hex(bytes.subarray(i, i + 12)) || '(nothing)'}`;
}

function expectBytes(actual: Buffer, expected: Buffer, what: string, hint: string): void {
  if (actual.equals(expected)) return;
  fail({ message: `${what}: not what the protocol asks for`, expected: describeBytes(expected), actual: describeBytes(actual, expected), hint });
}

/** Waits until `bytes` bytes have arrived at the check's end (or the learner's end is gone). */
async function collect(wire: Wire, bytes: number, what: string, hint: string, ms?: number, call?: Call): Promise<Buffer> {
  // A call that already failed (still its TODO, a throw, a slip in the code) sends nothing more:
  // report that at once instead of waiting out the deadline.
  call?.promise.then(
    () => {},
    () => wire.emit('change'),
  );
  const failed = () => (call?.outcome && !call.outcome.resolved && call.outcome.error instanceof LessonFailure ? call.outcome.error : undefined);
  await wire.waitUntil(() => {
    const failure = failed();
    if (failure) throw failure;
    return wire.size >= bytes || wire.gone ? true : undefined;
  }, what, {
    hint,
    ms,
    detail: () => `${wire.size.toLocaleString('en')} of ${bytes.toLocaleString('en')} bytes arrived${wire.gone ? ', then the connection ended' : ''}`,
  });
  return wire.received();
}

/** The check's end goes away (FIN, reset or close): what "destroy the socket" looks like from there. */
async function expectDestroyed(wire: Wire, fn: string, hint: string): Promise<void> {
  await wire.waitUntil(() => (wire.gone ? true : undefined), `${fn}() to destroy the socket after refusing`, { hint: `${hint} Call socket.destroy() before you reject, so no more bytes are read or buffered.` });
}

// ---------------------------------------------------------------------------------------------

/** A header that is not big-endian, or missing, gets its own hint. */
function framesHint(actual: Buffer, payloads: Buffer[]): string {
  const first = payloads[0];
  if (first && actual.length >= 4 && actual.readUInt32LE(0) === first.length && first.length !== actual.readUInt32BE(0)) {
    return 'The length must be big-endian, most significant byte first: writeUInt32BE, not writeUInt32LE.';
  }
  if (first && actual.subarray(0, first.length).equals(first)) return HINT.header;
  return HINT.header;
}

async function expectFramesWritten(payloads: Buffer[], what: string, ms?: number) {
  const { learner, wire } = await socketPair();
  const call = start('writeFrames', learner, payloads);
  const expected = Buffer.concat(payloads.map(frame));
  const got = await collect(wire, expected.length, `the frames of ${what}`, HINT.header, ms, call);
  if (!got.equals(expected)) expectBytes(got, expected, `the bytes writeFrames() sent for ${what}`, framesHint(got, payloads));
  await expectResolves(call, `every frame of ${what} was written`, HINT.resolveLast, ms);
  return { learner, wire, expected };
}

/** Sends `payloads` with writeFrames() to a reader that starts reading only once write() refused. */
async function slowReader(fn: 'writeFrames' | 'writeJsonLines', items: Buffer[] | unknown[], encoded: Buffer) {
  const { learner, wire } = await socketPair({ reading: false });
  const watch = watchWrites(learner, () => setImmediate(() => wire.startReading()));
  const call = start(fn, learner, items as never);
  let bytesAtResolve = -1;
  call.promise.then(() => (bytesAtResolve = learner.bytesWritten), () => {});
  // A writer that never hears "no" is never blocked: read anyway, so everything can arrive.
  setImmediate(() => wire.startReading());
  const got = await collect(wire, encoded.length, `everything ${fn}() sends, to a reader that falls behind`, HINT.drain, undefined, call);
  return { watch, call, got, bytesAtResolve: () => bytesAtResolve, learner };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function expectBounded(fn: string, maxQueued: number, largest: number, learner: net.Socket): void {
  const bound = largest + 4 + learner.writableHighWaterMark;
  if (maxQueued > bound) {
    fail({
      message: `${fn}() kept writing while the reader fell behind: ${mb(maxQueued)} piled up in the socket's buffer`,
      expected: `at most about one message queued (${mb(bound)}: write() returns false, then you wait for 'drain')`,
      actual: `socket.writableLength reached ${mb(maxQueued)}`,
      hint: HINT.drain,
    });
  }
}

async function resetWhileBlocked(fn: 'writeFrames' | 'writeJsonLines', items: Buffer[] | unknown[]) {
  const { learner, wire } = await socketPair({ reading: false });
  let socketError: Error | undefined;
  learner.on('error', (err) => (socketError ??= err));
  let reset = false;
  watchWrites(learner, () =>
    setImmediate(() => {
      reset = true;
      wire.reset();
    }),
  );
  const call = start(fn, learner, items as never);
  const o = await settled(call, `${fn}() to reject: the reader reset the connection while ${fn}() waited for 'drain'`, HINT.writeError);
  if (o.resolved) {
    fail({
      message: reset ? `${fn}() resolved although the connection broke before everything was written` : `${fn}() resolved before the reader had read anything: it did not wait for 'drain'`,
      expected: "a rejection with the socket's error (ECONNRESET or EPIPE)",
      actual: 'it resolved',
      hint: reset ? HINT.writeError : HINT.drain,
    });
  }
  if (!(o.error instanceof Error)) fail({ message: `${fn}() rejected with something that is not an Error`, expected: "the socket's error", actual: describeError(o.error), hint: HINT.writeError });
  // The socket's own error, one with its code, or what a write() callback got because of it
  // (ERR_STREAM_DESTROYED, for writes still queued when the error destroyed the socket).
  if (socketError && o.error !== socketError && codeOf(o.error) !== codeOf(socketError) && codeOf(o.error) !== 'ERR_STREAM_DESTROYED') {
    fail({ message: `${fn}() rejected with an error of its own instead of the socket's`, expected: `the socket's error (${describeError(socketError)})`, actual: describeError(o.error), hint: "Reject with the error of the socket's 'error' event, as it is: events.once(socket, 'drain') rejects with it. Listening for 'close' instead loses it." });
  }
}

describe('Task 1: writeFrames()', () => {
  test('writes each payload as a 4-byte big-endian length and its bytes, in order [1.1]', async () => {
    const payloads = [Buffer.from('hello'), Buffer.alloc(0), pattern(300), Buffer.from('é€\n', 'utf8'), pattern(70_000, 3), Buffer.alloc(0)];
    await expectFramesWritten(payloads, 'six payloads of 5, 0, 300, 6, 70000 and 0 bytes');
  });

  test('writes nothing else and keeps the socket open for more frames [1.1]', async () => {
    const { learner, wire, expected } = await expectFramesWritten([Buffer.from('first')], 'one payload "first"');
    const more = start('writeFrames', learner, [Buffer.from('second')]);
    const total = expected.length + frame(Buffer.from('second')).length;
    const got = await collect(wire, total, 'the frame of a second call, on the same socket', HINT.keepOpen, undefined, more);
    if (wire.ended || got.length < total) fail({ message: 'writeFrames() ended the socket: the frame of a second call never arrived', expected: 'the socket still open after writeFrames() resolved', actual: wire.ended ? 'the connection ended (FIN)' : describeBytes(got), hint: HINT.keepOpen });
    expectBytes(got, Buffer.concat([expected, frame(Buffer.from('second'))]), 'the bytes of two calls on one socket', HINT.keepOpen);
    await expectResolves(more, 'the second call wrote its frame', HINT.resolveLast);
  });

  test('writes a 16 MB frame whole [1.1]', async () => {
    await expectFramesWritten([pattern(MB16, 5)], 'one 16 MB payload', BIG_MS);
  });

  test("waits for 'drain' when write() returns false: a slow reader never makes it queue every frame [1.2]", async () => {
    const payloads = Array.from({ length: 32 }, (_, i) => pattern(256 * 1024, i));
    const run = await slowReader('writeFrames', payloads, Buffer.concat(payloads.map(frame)));
    expectBounded('writeFrames', run.watch.maxQueued, 256 * 1024, run.learner);
    expectBytes(run.got, Buffer.concat(payloads.map(frame)), 'the bytes writeFrames() sent for 32 payloads of 256 KB', HINT.header);
    await expectResolves(run.call, 'all 32 frames were written', HINT.resolveLast);
  });

  test('resolves once every frame has been passed to write(), and at once for none [1.3]', async () => {
    const payloads = Array.from({ length: 16 }, (_, i) => pattern(256 * 1024, i));
    const total = payloads.reduce((n, p) => n + 4 + p.length, 0);
    const run = await slowReader('writeFrames', payloads, Buffer.concat(payloads.map(frame)));
    await expectResolves(run.call, 'all 16 frames were written', HINT.resolveLast);
    if (run.bytesAtResolve() !== total) {
      fail({ message: 'writeFrames() resolved before it had written every frame', expected: `${total.toLocaleString('en')} bytes passed to write() when it resolved`, actual: `${run.bytesAtResolve().toLocaleString('en')} bytes`, hint: HINT.resolveLast });
    }
    const { learner, wire } = await socketPair();
    await expectResolves(start('writeFrames', learner, []), 'there was nothing to write', 'With no payloads there is nothing to wait for: resolve at once.');
    await expectResolves(start('writeFrames', learner, [Buffer.from('after none')]), 'one frame after a call with none', HINT.resolveLast);
    const got = await collect(wire, 4 + 10, 'the one frame written after a call with no payloads', HINT.header);
    expectBytes(got, frame(Buffer.from('after none')), 'the bytes after a call with no payloads and a call with one', 'With no payloads, write nothing at all.');
  });

  test("rejects with the socket's error when the connection breaks while it waits for 'drain' [1.4]", async () => {
    await resetWhileBlocked('writeFrames', new Array<Buffer>(40).fill(pattern(1024 * 1024)));
  });
});

// ---------------------------------------------------------------------------------------------

/** Starts readFrames() on a fresh pair; `frames` fills as the learner delivers them. */
async function startReadFrames(maxLength: number) {
  const { learner, wire } = await socketPair();
  const frames: unknown[] = [];
  const call = start('readFrames', learner, maxLength, (payload: Buffer) => {
    frames.push(payload);
    wire.emit('change'); // lets a wait on the frames re-check
  });
  // How many frames had been delivered at the very moment the promise settled.
  let atSettle = -1;
  call.promise.then(
    () => (atSettle = frames.length),
    () => (atSettle = frames.length),
  );
  return { wire, frames, call, deliveredWhenSettled: () => atSettle };
}

/** Waits until `n` frames were delivered (or the call settled, or the deadline passed). */
async function framesArrive(run: Awaited<ReturnType<typeof startReadFrames>>, expected: Buffer[], what: string, hint: string, ms?: number): Promise<void> {
  await run.wire.waitUntil(() => (run.frames.length >= expected.length || run.call.outcome ? true : undefined), `onFrame() to be called for ${what}`, {
    hint,
    ms,
    detail: () => `onFrame() was called ${run.frames.length} time(s)${run.call.outcome ? `, and readFrames() ${run.call.outcome.resolved ? 'resolved' : `rejected: ${describeError(run.call.outcome.error)}`}` : ''}`,
  });
  if (run.frames.length < expected.length && run.call.outcome && !run.call.outcome.resolved) {
    fail({ message: `readFrames() rejected while frames were still arriving: ${describeError(run.call.outcome.error)}`, expected: `${expected.length} frames (${what})`, actual: `${run.frames.length} frame(s), then a rejection`, hint });
  }
  expectFrames(run.frames, expected, what, hint);
}

function expectFrames(frames: unknown[], expected: Buffer[], what: string, hint: string): void {
  for (let i = 0; i < Math.max(frames.length, expected.length); i++) {
    const got = frames[i];
    const want = expected[i];
    if (want === undefined) fail({ message: `onFrame() was called more often than there were frames (${what})`, expected: `${expected.length} frames`, actual: `a frame #${i + 1}: ${Buffer.isBuffer(got) ? describeBytes(got) : String(got)}`, hint });
    if (!Buffer.isBuffer(got)) {
      fail({ message: `frame #${i + 1} was not passed to onFrame() as a Buffer (${what})`, expected: `a Buffer of ${want.length} bytes`, actual: got === undefined ? 'no call' : `${typeof got}: ${show(String(got))}`, hint: 'Pass each payload as a Buffer: converting it to text breaks binary data.' });
    }
    if (!got.equals(want)) {
      fail({ message: `frame #${i + 1} of ${expected.length} was not the payload that was sent (${what})`, expected: describeBytes(want), actual: describeBytes(got, want), hint });
    }
  }
}

const smallFrames = () => [Buffer.from('hello'), Buffer.alloc(0), pattern(300, 1), Buffer.from('héllo wörld €', 'utf8'), Buffer.from([0, 0, 0, 5, 10, 13, 0xff]), Buffer.alloc(0)];
const described = 'frames of 5, 0, 300, 16, 7 and 0 bytes';

describe('Task 2: readFrames()', () => {
  test('delivers each frame whole and in order when the bytes arrive one per chunk [2.1]', async () => {
    const run = await startReadFrames(1024);
    const payloads = smallFrames();
    await run.wire.writeInPieces(Buffer.concat(payloads.map(frame)), [1]);
    await framesArrive(run, payloads, `${described}, sent one byte per chunk`, HINT.frames);
  });

  test('delivers every frame when many arrive in one chunk [2.1]', async () => {
    const run = await startReadFrames(100);
    // 200 frames of 0 to 39 bytes: about 8 KB in one write, far more than maxLength in total.
    const payloads = Array.from({ length: 200 }, (_, i) => pattern(i % 40, i));
    await run.wire.write(Buffer.concat(payloads.map(frame)));
    await framesArrive(run, payloads, '200 small frames that arrived in one chunk (maxLength 100)', HINT.frames);
  });

  test('handles a chunk boundary anywhere inside the 4-byte length [2.1]', async () => {
    const run = await startReadFrames(100_000);
    const payloads = [pattern(3), pattern(258, 1), pattern(70_000, 2), Buffer.alloc(0), pattern(1, 3), pattern(513, 4)];
    // Piece sizes that are not multiples of 4 put a boundary after every position of a length.
    await run.wire.writeInPieces(Buffer.concat(payloads.map(frame)), [1, 2, 3, 5, 6, 7, 4093]);
    await framesArrive(run, payloads, 'frames of 3, 258, 70000, 0, 1 and 513 bytes, cut into pieces of 1, 2, 3, 5 … bytes', HINT.frames);
  });

  test('accepts a frame of exactly maxLength, and a 16 MB frame [2.2]', async () => {
    const exact = await startReadFrames(300);
    await exact.wire.write(frame(pattern(300)));
    await framesArrive(exact, [pattern(300)], 'a frame of exactly maxLength (300) bytes', 'A frame of exactly maxLength bytes is allowed: refuse only lengths greater than maxLength.');
    const big = await startReadFrames(MB16);
    const payload = pattern(MB16, 9);
    await big.wire.write(frame(payload));
    await framesArrive(big, [payload], 'one 16 MB frame (maxLength 16 MB)', HINT.bigFrame, BIG_MS);
  });

  test('refuses a frame over maxLength as soon as its length arrives, with a clear error [2.3]', async () => {
    for (const announced of [5000, 1025, 0xffff_ffff]) {
      const run = await startReadFrames(1024);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(announced);
      // One good frame, then the length and (but for 4 GB) 3 bytes of the payload: nothing more
      // will come. (After a 4 GB length, a reader that takes it for -1 would loop forever on
      // more bytes; the check is about the length, so it sends none.)
      const some = announced === 0xffff_ffff ? Buffer.alloc(0) : Buffer.from('abc');
      await run.wire.write(Buffer.concat([frame(Buffer.from('ok')), header, some]));
      const situation = `a frame announced ${announced.toLocaleString('en')} bytes (maxLength 1024)`;
      const hint = announced === 0xffff_ffff ? 'Read the length with readUInt32BE: readInt32BE turns 0xffffffff into -1.' : HINT.limit;
      const error = await expectRejects(run.call, `${situation}; ${some.length ? 'only 3 bytes of its payload were' : 'none of its payload was'} sent`, hint);
      expectFrames(run.frames, [Buffer.from('ok')], 'one frame "ok" before the one that is too large', hint);
      expectCode(run.call, error, 'ERR_FRAME_TOO_LARGE', situation, "Reject with an Error whose code is 'ERR_FRAME_TOO_LARGE': Object.assign(new Error(`frame of ${length} bytes is over the limit of ${maxLength}`), { code: 'ERR_FRAME_TOO_LARGE' }).");
      const message = (error as Error).message;
      if (!message.includes(String(announced)) || !message.includes('1024')) {
        fail({ message: `the error for a frame that is too large does not say which sizes (${situation})`, expected: `a message that contains ${announced} and 1024`, actual: show(message), hint: 'Put both numbers in the message, in plain digits: `frame of ${length} bytes is over the limit of ${maxLength}`.' });
      }
      await expectDestroyed(run.wire, 'readFrames', 'A frame that is too large ends the conversation.');
    }
  });

  test('resolves when the stream ends between frames, after delivering every frame [2.4]', async () => {
    const run = await startReadFrames(1024);
    const payloads = smallFrames();
    run.wire.socket.end(Buffer.concat(payloads.map(frame))); // the frames and the end together
    await expectResolves(run.call, 'the other side ended the stream after its last frame', HINT.frameEnd);
    expectFrames(run.frames, payloads, `${described}, before the end of the stream`, HINT.frames);
    if (run.deliveredWhenSettled() !== payloads.length) {
      fail({ message: 'readFrames() resolved before onFrame() had been called for every frame', expected: `${payloads.length} frames delivered when the promise resolves`, actual: `${run.deliveredWhenSettled()} delivered by then`, hint: "Call onFrame() for each frame inside the 'data' handler, synchronously, and resolve on 'end' after that." });
    }
    const none = await startReadFrames(1024);
    none.wire.end();
    await expectResolves(none.call, 'the other side ended the stream without sending anything', HINT.frameEnd);
    expectFrames(none.frames, [], 'a stream that ended without any frame', HINT.frameEnd);
  });

  test('rejects with ERR_FRAME_TRUNCATED when the stream ends inside a frame [2.4]', async () => {
    const cases: [string, Buffer][] = [
      ['after 2 bytes of a length', Buffer.from([0, 0])],
      ['after a whole length of 5 and none of the payload', Buffer.from([0, 0, 0, 5])],
      ['after a length of 10 and 4 bytes of the payload', Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('abcd')])],
      ['after a whole frame and 1 more byte', Buffer.concat([frame(Buffer.from('whole')), Buffer.from([0])])],
    ];
    for (const [where, bytes] of cases) {
      const run = await startReadFrames(1024);
      await run.wire.write(bytes);
      run.wire.end();
      const error = await expectRejects(run.call, `the stream ended ${where}`, HINT.frameEnd);
      expectCode(run.call, error, 'ERR_FRAME_TRUNCATED', `the stream ended ${where}`, HINT.frameEnd);
    }
  });

  test("rejects with the socket's error when the connection breaks between frames [2.5]", async () => {
    const run = await startReadFrames(1024);
    await run.wire.write(frame(Buffer.from('one')));
    await framesArrive(run, [Buffer.from('one')], 'one frame "one"', HINT.frames);
    run.wire.reset();
    const error = await expectRejects(run.call, 'the other side reset the connection', HINT.socketError);
    if (!(error instanceof Error) || !codeOf(error)) fail({ message: "readFrames() did not reject with the socket's error", expected: 'the ECONNRESET error', actual: describeError(error), hint: HINT.socketError });
  });
});

// ---------------------------------------------------------------------------------------------

const jsonLines = (values: unknown[]) => Buffer.from(values.map((v) => `${JSON.stringify(v)}\n`).join(''), 'utf8');

describe('Task 3: writeJsonLines()', () => {
  test('writes each value as JSON and "\\n", in order, as UTF-8, and keeps the socket open [3.1]', async () => {
    const values = [{ a: 1 }, 'a line\nbreak and a \r too', 'ünïcödé € 🚀', [1, 2, [3]], null, 42, -0.5, true, '', { nested: { deep: [{}] } }];
    const { learner, wire } = await socketPair();
    const expected = jsonLines(values);
    const call = start('writeJsonLines', learner, values);
    const got = await collect(wire, expected.length, 'the lines writeJsonLines() sends for 10 values', HINT.json, undefined, call);
    expectBytes(got, expected, 'the bytes writeJsonLines() sent for 10 values', HINT.json);
    await expectResolves(call, 'every line was written', HINT.resolveLast);
    const more = start('writeJsonLines', learner, [{ more: true }]);
    const total = expected.length + jsonLines([{ more: true }]).length;
    const after = await collect(wire, total, 'the line of a second call, on the same socket', HINT.keepOpen, undefined, more);
    if (wire.ended || after.length < total) fail({ message: 'writeJsonLines() ended the socket: the line of a second call never arrived', expected: 'the socket still open after writeJsonLines() resolved', actual: wire.ended ? 'the connection ended (FIN)' : describeBytes(after), hint: HINT.keepOpen });
    expectBytes(after, Buffer.concat([expected, jsonLines([{ more: true }])]), 'the bytes of two calls on one socket', HINT.keepOpen);
    await expectResolves(more, 'the second call wrote its line', HINT.resolveLast);
  });

  test("waits for 'drain' when write() returns false, resolves after the last line, rejects on a broken connection [3.2]", async () => {
    const values = Array.from({ length: 32 }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(256 * 1024));
    const encoded = jsonLines(values);
    const run = await slowReader('writeJsonLines', values, encoded);
    expectBounded('writeJsonLines', run.watch.maxQueued, 256 * 1024 + 3, run.learner);
    expectBytes(run.got, encoded, 'the bytes writeJsonLines() sent for 32 strings of 256 KB', HINT.json);
    await expectResolves(run.call, 'all 32 lines were written', HINT.resolveLast);
    if (run.bytesAtResolve() !== encoded.length) {
      fail({ message: 'writeJsonLines() resolved before it had written every line', expected: `${encoded.length.toLocaleString('en')} bytes passed to write() when it resolved`, actual: `${run.bytesAtResolve().toLocaleString('en')} bytes`, hint: HINT.resolveLast });
    }
    await resetWhileBlocked('writeJsonLines', new Array<string>(40).fill('x'.repeat(1024 * 1024)));
  });
});

// ---------------------------------------------------------------------------------------------

async function startReadJson(maxLineBytes: number) {
  const { learner, wire } = await socketPair();
  const messages: unknown[] = [];
  const call = start('readJsonLines', learner, maxLineBytes, (value: unknown) => {
    messages.push(value);
    wire.emit('change');
  });
  let atSettle = -1;
  call.promise.then(
    () => (atSettle = messages.length),
    () => (atSettle = messages.length),
  );
  return { learner, wire, messages, call, deliveredWhenSettled: () => atSettle };
}

function expectMessages(messages: unknown[], expected: unknown[], what: string, hint: string): void {
  if (isDeepStrictEqual(messages, expected)) return;
  let i = 0;
  while (i < messages.length && i < expected.length && isDeepStrictEqual(messages[i], expected[i])) i++;
  fail({
    message: `the messages passed to onMessage() were not the ones sent (${what})`,
    expected: `${expected.length} messages${i < expected.length ? `; #${i + 1}: ${show(JSON.stringify(expected[i]) ?? 'undefined')}` : ''}`,
    actual: `${messages.length} messages${i < messages.length ? `; #${i + 1}: ${show(JSON.stringify(messages[i]) ?? String(messages[i]))}` : ''}`,
    hint,
  });
}

async function messagesArrive(run: Awaited<ReturnType<typeof startReadJson>>, expected: unknown[], what: string, hint: string): Promise<void> {
  await run.wire.waitUntil(() => (run.messages.length >= expected.length || run.call.outcome ? true : undefined), `onMessage() to be called for ${what}`, {
    hint,
    detail: () => `onMessage() was called ${run.messages.length} time(s)${run.call.outcome ? `, and readJsonLines() ${run.call.outcome.resolved ? 'resolved' : `rejected: ${describeError(run.call.outcome.error)}`}` : ''}`,
  });
  if (run.messages.length < expected.length && run.call.outcome && !run.call.outcome.resolved) {
    fail({ message: `readJsonLines() rejected while lines were still arriving: ${describeError(run.call.outcome.error)}`, expected: `${expected.length} messages (${what})`, actual: `${run.messages.length} message(s), then a rejection`, hint });
  }
  expectMessages(run.messages, expected, what, hint);
}

const sample = [{ id: 1, text: 'héllo wörld' }, 'ünïcödé € 🚀', [1, 2, 3], null, { line: 'a\nb' }, 42];

describe('Task 4: readJsonLines()', () => {
  test('delivers each message in order when the bytes arrive one per chunk, characters split too [4.1]', async () => {
    const run = await startReadJson(1024);
    await run.wire.writeInPieces(jsonLines(sample), [1]);
    await messagesArrive(run, sample, 'six lines sent one byte per chunk', HINT.utf8);
  });

  test('delivers every message when many lines arrive in one chunk [4.1]', async () => {
    const run = await startReadJson(100);
    // 200 short lines: about 6 KB in one write, far more than maxLineBytes in total.
    const values = Array.from({ length: 200 }, (_, i) => ({ n: i, s: 'x'.repeat(i % 10) }));
    await run.wire.write(jsonLines(values));
    await messagesArrive(run, values, '200 lines that arrived in one chunk (maxLineBytes 100)', HINT.lines);
  });

  test('delivers every message when chunks end in the middle of lines [4.1]', async () => {
    const run = await startReadJson(1024);
    const values = Array.from({ length: 40 }, (_, i) => ({ n: i, text: 'ça coûte 3 € ✓'.slice(0, i % 15) }));
    // Pieces of 1, 2, 3, 5 … bytes: boundaries fall inside lines, inside characters, and right
    // after a "\n" with the next line already begun.
    await run.wire.writeInPieces(jsonLines(values), [1, 2, 3, 5, 8, 13, 21, 34]);
    await messagesArrive(run, values, '40 lines cut into pieces of 1, 2, 3, 5, 8 … bytes', HINT.lines);
  });

  test('accepts lines that end with "\\r\\n" [4.1]', async () => {
    const run = await startReadJson(1024);
    await run.wire.write(Buffer.from('{"a":1}\r\n[2]\r\n"three"\r\n', 'utf8'));
    await messagesArrive(run, [{ a: 1 }, [2], 'three'], 'three lines ending with "\\r\\n"', 'Parse the line with its "\\r": JSON.parse ignores whitespace around a value.');
  });

  test('skips empty and whitespace-only lines [4.2]', async () => {
    const run = await startReadJson(1024);
    await run.wire.write(Buffer.from('\n1\n\r\n  \n2\n\t \r\n\n3\n', 'utf8'));
    await messagesArrive(run, [1, 2, 3], 'the lines "1", "2" and "3" among empty and whitespace-only lines', HINT.blank);
    run.wire.end();
    await expectResolves(run.call, 'the stream ended after the last line', HINT.lineEnd);
    expectMessages(run.messages, [1, 2, 3], 'empty and whitespace-only lines are not messages', HINT.blank);
  });

  test('rejects with the SyntaxError of JSON.parse on a line that is not JSON, after the lines before it [4.3]', async () => {
    const run = await startReadJson(1024);
    await run.wire.write(Buffer.from('{"ok":1}\n{not json}\n{"never":1}\n', 'utf8'));
    const error = await expectRejects(run.call, 'the second line "{not json}" is not JSON', HINT.badJson);
    expectMessages(run.messages, [{ ok: 1 }], 'only the line before "{not json}"', HINT.badJson);
    if (!(error instanceof SyntaxError)) fail({ message: 'readJsonLines() did not reject with the SyntaxError that JSON.parse threw', expected: 'a SyntaxError', actual: describeError(error), hint: HINT.badJson });
    await expectDestroyed(run.wire, 'readJsonLines', 'A line that is not JSON ends the conversation.');
  });

  test('refuses a line longer than maxLineBytes as soon as that much has arrived [4.4]', async () => {
    const cases: [string, Buffer][] = [
      ['1025 bytes arrived without a "\\n"', Buffer.from(`"${'a'.repeat(1024)}`, 'utf8')],
      ['1,800 bytes (600 characters "€") arrived without a "\\n"', Buffer.from(`"${'€'.repeat(600)}`, 'utf8')],
      ['a whole line of 2,000 bytes arrived, with its "\\n"', Buffer.from(`"${'b'.repeat(1998)}"\n`, 'utf8')],
      ['a whole line of 1,802 bytes (600 characters "€") arrived, with its "\\n"', Buffer.from(`"${'€'.repeat(600)}"\n`, 'utf8')],
      // Only the "\n" is not counted: a "\r" before it is a byte of the line (1024 + 1).
      ['a whole line of 1,025 bytes arrived: 1,024 and a "\\r" before its "\\n"', Buffer.from(`"${'c'.repeat(1022)}"\r\n`, 'utf8')],
    ];
    for (const [situation, bytes] of cases) {
      const run = await startReadJson(1024);
      await run.wire.write(bytes);
      const hint = situation.includes('\\r') ? 'Only the "\\n" is not counted: a "\\r" before it is part of the line, so count it against maxLineBytes (strip it, if you like, after the check).' : HINT.tooLong;
      const error = await expectRejects(run.call, `${situation} (maxLineBytes 1024)`, hint);
      expectCode(run.call, error, 'ERR_LINE_TOO_LONG', situation, hint);
      expectMessages(run.messages, [], situation, hint);
      await expectDestroyed(run.wire, 'readJsonLines', 'A line that is too long ends the conversation.');
    }
  });

  test('accepts a line of exactly maxLineBytes bytes, even when its "\\n" comes later [4.4]', async () => {
    const run = await startReadJson(1024);
    const ascii = `"${'a'.repeat(1022)}"`; // 1024 bytes
    const euros = `"${'€'.repeat(340)}xx"`; // 3 × 340 + 4 = 1024 bytes, 344 characters
    // The "\n" of each line is sent only once the learner's end has read the line itself.
    await run.wire.write(Buffer.from(ascii, 'utf8'));
    await untilRead(run.learner, 1024, 'your end of the socket to read a line of 1024 bytes without its "\\n"');
    await run.wire.write(Buffer.from(`\n${euros}`, 'utf8'));
    await untilRead(run.learner, 2049, 'your end of the socket to read a second line of 1024 bytes without its "\\n"');
    await run.wire.write(Buffer.from('\n', 'utf8'));
    await messagesArrive(run, [JSON.parse(ascii), JSON.parse(euros)], 'two lines of exactly 1024 bytes (maxLineBytes 1024)', 'A line of exactly maxLineBytes bytes is allowed: refuse only more. Count bytes, not the "\\n".');
  });

  test('resolves when the stream ends after the last line, trailing whitespace included [4.5]', async () => {
    for (const [text, values] of [
      ['1\n2\n', [1, 2]],
      ['1\n  \r', [1]],
      ['', []],
    ] as [string, unknown[]][]) {
      const run = await startReadJson(1024);
      run.wire.socket.end(Buffer.from(text, 'utf8')); // the lines and the end together
      await expectResolves(run.call, `the stream ${show(text)} ended`, HINT.lineEnd);
      expectMessages(run.messages, values, `the stream ${show(text)}`, HINT.lines);
      if (run.deliveredWhenSettled() !== values.length) {
        fail({ message: 'readJsonLines() resolved before onMessage() had been called for every line', expected: `${values.length} messages delivered when the promise resolves`, actual: `${run.deliveredWhenSettled()} delivered by then`, hint: "Call onMessage() for each line inside the 'data' handler, synchronously, and resolve on 'end' after that." });
      }
    }
  });

  test('rejects with ERR_LINE_TRUNCATED when the stream ends inside a line [4.5]', async () => {
    for (const [text, values] of [
      ['1\n2', [1]],
      ['{"a":', []],
    ] as [string, unknown[]][]) {
      const run = await startReadJson(1024);
      await run.wire.write(Buffer.from(text, 'utf8'));
      run.wire.end();
      const error = await expectRejects(run.call, `the stream ${show(text)} ended without a final "\\n"`, HINT.lineEnd);
      expectCode(run.call, error, 'ERR_LINE_TRUNCATED', `the stream ${show(text)} ended`, HINT.lineEnd);
      expectMessages(run.messages, values, `the complete lines of ${show(text)}`, HINT.lineEnd);
    }
  });

  test("rejects with the socket's error when the connection breaks between lines [4.6]", async () => {
    const run = await startReadJson(1024);
    await run.wire.write(Buffer.from('"one"\n', 'utf8'));
    await messagesArrive(run, ['one'], 'the line "one"', HINT.lines);
    run.wire.reset();
    const error = await expectRejects(run.call, 'the other side reset the connection', HINT.socketError);
    if (!(error instanceof Error) || !codeOf(error)) fail({ message: "readJsonLines() did not reject with the socket's error", expected: 'the ECONNRESET error', actual: describeError(error), hint: HINT.socketError });
  });
});
