// Lesson 01 · The TCP handshake and byte streams
// Read the explainer first: `npm run learn` (or lessons/01-tcp-handshake.md).
// Check your work with `npm run verify 01`. Stuck? `npm run hint 01`.
// The numbers below are the contract's clauses; each failing check names the clause it tests.
import net from 'node:net';

/**
 * Task 1 — a SHOUT server.
 *
 * 1.1 Return a new TCP server (from `net.createServer`) without calling `listen()` on it: the
 *     checks listen on it themselves, on 127.0.0.1 with a port the system picks.
 * 1.2 As soon as a client connects, send it the greeting `HELLO\n`, before it sends anything.
 * 1.3 The client sends UTF-8 text. A line is everything before a `\n`; the `\n` is not part of
 *     it. Nothing else ends a line: spaces, tabs and `\r` are ordinary characters of the line,
 *     and two `\n` in a row hold an empty line.
 * 1.4 For every line, in order, send back `line.toUpperCase()` followed by `\n`, with nothing
 *     trimmed or added: ` a b\r` gets ` A B\r\n`, an empty line gets `\n`. Answer each line as
 *     soon as its `\n` arrives, without waiting for more.
 * 1.5 TCP delivers bytes in chunks of any size: a line may arrive split anywhere (even inside a
 *     multi-byte character, or inside `QUIT`), one chunk may hold many lines, and a line may be
 *     megabytes long. The replies are the same however the bytes are split. Text after the last
 *     `\n` is not a line yet: keep it until the rest of the line arrives.
 * 1.6 A line that is exactly `QUIT` gets `BYE\n` (not a reply), and then the server ends the
 *     connection with `socket.end()`. Lines that only look like it are ordinary lines and get
 *     their reply: ` QUIT`, `QUIT `, `quit`, `QUIT\r`, `QUITTING`.
 * 1.7 Ending is graceful: every reply, then `BYE\n`, reaches the client before the end of the
 *     connection (a FIN), even when megabytes of replies are still queued. `socket.end()` does
 *     that; `socket.destroy()` throws queued data away.
 * 1.8 After `QUIT`, send nothing more on that connection: ignore every later line, whether it
 *     comes in the same chunk as `QUIT` or later, even after the client has read `BYE`. (Writing
 *     after `end()` is an error: `ERR_STREAM_WRITE_AFTER_END`.)
 * 1.9 When the client ends its side (FIN), answer every complete line it sent, then end your side
 *     too (Node's default `allowHalfOpen: false` does this for you). Text after the client's last
 *     `\n` never becomes a line: it gets no reply.
 * 1.10 Many clients may be connected at once, each with its own conversation (its own unfinished
 *     text, its own QUIT): nothing one client sends changes what another receives.
 * 1.11 A client whose connection breaks (a reset: ECONNRESET) must not crash the server: the server
 *     keeps serving everyone else.
 */
export function createShoutServer(): net.Server {
  // TODO: create the server with net.createServer((socket) => { ... }) and return it.
  throw new Error('TODO: implement createShoutServer() in exercises/01-tcp-handshake.ts');
}

/**
 * Task 2 — a client for any line server.
 *
 * 2.1 Connect to `host`:`port`. `host` is any address `net.connect` accepts, such as `127.0.0.1`
 *     or the IPv6 loopback `::1`: connect to the one you are given.
 * 2.2 Send every string in `lines`, in order, each followed by `\n`, as UTF-8, and nothing else,
 *     without waiting for the server to say anything first: `['a', '', ' b ']` sends
 *     `a\n\n b \n`; an empty list sends nothing.
 * 2.3 Right after the last line (at once for an empty list), end your side of the connection
 *     (`socket.end()`, a half-close: FIN) and keep reading: the server may still be replying.
 * 2.4 Resolve with everything the server sent, from its first byte to the last, as one string
 *     decoded from UTF-8 (a character split between two chunks stays intact), and only once the
 *     server has ended the connection (its FIN): until then more may come, however large. A server
 *     that sends nothing before ending gives `''`.
 * 2.5 If connecting fails (nothing listens there: ECONNREFUSED) or the connection breaks before
 *     the server ends it (a reset: ECONNRESET), reject with the socket's own error, whose `code`
 *     says what happened. Do not resolve then, and do not crash.
 *
 * Example, against the SHOUT server of task 1:
 *   await talk(port, '127.0.0.1', ['hi', 'there'])  // → 'HELLO\nHI\nTHERE\n'
 */
export function talk(port: number, host: string, lines: string[]): Promise<string> {
  // TODO: connect with net.connect(port, host), write the lines, end, and collect the reply.
  throw new Error('TODO: implement talk() in exercises/01-tcp-handshake.ts');
}
