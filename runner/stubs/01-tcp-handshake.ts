// Lesson 01 · The TCP handshake and byte streams
// Read the explainer first: `npm run learn` (or lessons/01-tcp-handshake.md).
// Check your work with `npm run verify 01`. Stuck? `npm run hint 01`.
import net from 'node:net';

/**
 * Task 1 — a SHOUT server.
 *
 * Return a TCP server (from `net.createServer`) that is NOT listening yet: the checks call
 * `listen()` on it themselves, on 127.0.0.1 with a port the system picks.
 *
 * The SHOUT protocol, for every client that connects:
 * 1. As soon as a client connects, send the greeting `HELLO\n` (the server speaks first).
 * 2. The client sends lines of UTF-8 text. A line ends with `\n` (the `\n` is not part of it).
 *    For every complete line, in order, send back the line in upper case
 *    (`line.toUpperCase()`) followed by `\n`. Text after the last `\n` is not a line yet:
 *    keep it until the rest arrives.
 * 3. A line that is exactly `QUIT`: send `BYE\n`, then end the connection (`socket.end()`).
 *    Ignore anything the client sent after `QUIT`.
 * 4. When the client ends its side of the connection, end yours (Node does this for you by
 *    default). A client that vanishes with an error must not crash the server: the server
 *    keeps serving everyone else.
 *
 * Many clients may be connected at once; each has its own conversation.
 */
export function createShoutServer(): net.Server {
  // TODO: create the server with net.createServer((socket) => { ... }) and return it.
  throw new Error('TODO: implement createShoutServer() in exercises/01-tcp-handshake.ts');
}

/**
 * Task 2 — a client for any line server.
 *
 * Connect to `host`:`port`, send every string in `lines` followed by `\n` (in order), then end
 * your side of the connection so the server knows you are done (a half-close: you can still
 * receive). Resolve with EVERYTHING the server sent, decoded as UTF-8, once the server has ended
 * the connection. Reject with the error if connecting fails or the connection breaks.
 *
 * Example, against the SHOUT server of task 1:
 *   await talk(port, '127.0.0.1', ['hi', 'there'])  // → 'HELLO\nHI\nTHERE\n'
 */
export function talk(port: number, host: string, lines: string[]): Promise<string> {
  // TODO: connect with net.connect(port, host), write the lines, end, and collect the reply.
  throw new Error('TODO: implement talk() in exercises/01-tcp-handshake.ts');
}
