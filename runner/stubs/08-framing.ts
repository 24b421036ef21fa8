// Lesson 08 · Framing: messages over a byte stream
// Read the explainer first: `npm run learn` (or lessons/08-framing.md).
// Check your work with `npm run verify 08`. Stuck? `npm run hint 08`.
//
// Four functions that turn a TCP socket into a message socket, as axon does: messages in
// length-prefixed frames, and messages as newline-delimited JSON, in both directions. Each one
// gets a connected socket from the checks; a socket's other end is played by the checks.
// Every Error you create needs a message that says what happened, and the `code` asked for.
import type net from 'node:net';

/**
 * Task 1 — send length-prefixed frames.
 *
 * 1.1 For each payload in `payloads`, in order, write one frame: the payload's length in bytes
 *     as a 4-byte unsigned big-endian integer, then the payload's bytes. An empty payload is
 *     the four bytes `00 00 00 00` and nothing more. Write nothing else, and do not end the
 *     socket: more messages may follow.
 * 1.2 Respect backpressure: when `socket.write()` returns false, write nothing more until the
 *     socket emits `'drain'`. A slow reader must not make you queue every frame in memory.
 * 1.3 Resolve once the last frame has been passed to `socket.write()` (you need not wait until
 *     it is flushed); with no payloads, resolve at once.
 * 1.4 If the socket fails (an `'error'` event) before every frame is written, reject with that
 *     error (or with the error a `write()` callback of yours got because of it) instead of
 *     waiting for `'drain'` forever.
 */
export function writeFrames(socket: net.Socket, payloads: Buffer[]): Promise<void> {
  // TODO: a 4-byte header (writeUInt32BE) before each payload; wait for 'drain' when told to.
  throw new Error('TODO: implement writeFrames() in exercises/08-framing.ts');
}

/**
 * Task 2 — receive length-prefixed frames.
 *
 * 2.1 Call `onFrame(payload)` once for every complete frame, in order, with the payload as a
 *     Buffer (an empty frame gives an empty Buffer), however the bytes arrive: one byte per
 *     chunk, many frames in one chunk, a chunk boundary inside the 4-byte length.
 * 2.2 A frame may hold up to `maxLength` payload bytes; exactly `maxLength` is fine, and a
 *     16 MB frame arrives whole when `maxLength` allows it.
 * 2.3 A frame whose length announces more than `maxLength`: as soon as its 4 length bytes have
 *     arrived (do not wait for the payload), destroy the socket and reject with an Error whose
 *     `code` is `'ERR_FRAME_TOO_LARGE'` and whose message contains both numbers, e.g.
 *     `frame of 5000 bytes is over the limit of 1024`. Frames before it were delivered.
 * 2.4 When the other side ends the stream, resolve if it ended between frames (every frame
 *     delivered first); if it ended inside a frame (part of a length or of a payload),
 *     reject with an Error whose `code` is `'ERR_FRAME_TRUNCATED'`, with a message.
 * 2.5 If the socket fails (an `'error'` event), reject with that error.
 */
export function readFrames(socket: net.Socket, maxLength: number, onFrame: (payload: Buffer) => void): Promise<void> {
  // TODO: keep the bytes that are not a whole frame yet; read lengths with readUInt32BE.
  throw new Error('TODO: implement readFrames() in exercises/08-framing.ts');
}

/**
 * Task 3 — send newline-delimited JSON (NDJSON).
 *
 * 3.1 For each value in `values`, in order, write `JSON.stringify(value)` followed by `\n`, as
 *     UTF-8. Nothing else, and do not end the socket. (JSON.stringify escapes a newline inside
 *     a string as `\n`, so each message stays on one line.)
 * 3.2 Respect backpressure and settle as `writeFrames()` does (1.2 to 1.4): wait for `'drain'`
 *     when `write()` returns false, resolve once the last line has been passed to `write()`,
 *     reject with the socket's error.
 */
export function writeJsonLines(socket: net.Socket, values: unknown[]): Promise<void> {
  // TODO: JSON.stringify(value) + '\n' for each value, with the same care as writeFrames().
  throw new Error('TODO: implement writeJsonLines() in exercises/08-framing.ts');
}

/**
 * Task 4 — receive newline-delimited JSON.
 *
 * 4.1 Every line ends with `\n`. For every complete line, in order, call
 *     `onMessage(JSON.parse(line))`, however the bytes arrive: one byte per chunk, many lines
 *     in one chunk, a multi-byte UTF-8 character split between two chunks. A `\r` before the
 *     `\n` is fine (JSON.parse ignores whitespace around a value).
 * 4.2 Skip lines that are empty or hold only whitespace (such as a lone `\r`).
 * 4.3 A line that is not valid JSON: destroy the socket and reject with the error `JSON.parse`
 *     threw. Lines before it were delivered.
 * 4.4 A line may hold up to `maxLineBytes` bytes (UTF-8, not counting its `\n`). As soon as
 *     more than that has arrived without a `\n` (do not wait for the rest), or when a complete
 *     line is longer, destroy the socket and reject with an Error whose `code` is
 *     `'ERR_LINE_TOO_LONG'`, with a message.
 * 4.5 When the other side ends the stream, resolve if nothing but whitespace follows the last
 *     `\n`; otherwise (an unfinished line) reject with an Error whose `code` is
 *     `'ERR_LINE_TRUNCATED'`, with a message.
 * 4.6 If the socket fails (an `'error'` event), reject with that error.
 */
export function readJsonLines(socket: net.Socket, maxLineBytes: number, onMessage: (value: unknown) => void): Promise<void> {
  // TODO: keep the bytes after the last '\n'; parse each complete line.
  throw new Error('TODO: implement readJsonLines() in exercises/08-framing.ts');
}
