// Lesson 04 · Datagrams with dgram
// Read the explainer first: `npm run learn` (or lessons/04-udp.md).
// Check your work with `npm run verify 04`. Stuck? `npm run hint 04`.
import dgram from 'node:dgram';

/**
 * Task 1 — a UDP echo server.
 *
 * 1.1 Return a new `udp4` socket (`dgram.createSocket('udp4')`) that is NOT bound yet: the checks
 *     call `bind()` on it themselves, on 127.0.0.1 with a port the system picks.
 * 1.2 For every datagram that arrives, send back exactly one datagram holding exactly the same
 *     bytes: binary data stays binary (never decode it as text), an empty datagram gets an empty
 *     one back, and the largest datagram the system sends (65,507 bytes on Linux, the most UDP
 *     over IPv4 can carry; 9,216 on macOS) comes back whole. Never merge datagrams or split one.
 * 1.3 Send each reply to the address and port that datagram came from (its `rinfo`), from this
 *     same socket: clients only accept replies from the address and port they sent to. Many
 *     clients may send at once; each gets its own replies.
 */
export function createEchoServer(): dgram.Socket {
  // TODO: create the socket, answer each 'message' with socket.send(...), and return the socket.
  throw new Error('TODO: implement createEchoServer() in exercises/04-udp.ts');
}

export interface RequestOptions {
  /** How long to wait for a reply after each send, in milliseconds. */
  timeoutMs: number;
  /** How many datagrams to send at most, the first one included (1 = never try again). */
  tries: number;
}

/**
 * Task 2 — a request with a timeout and retries.
 *
 * 2.1 Each call uses a udp4 socket of its own. Send `message` to `host`:`port` as ONE datagram,
 *     byte for byte (it may be empty, binary, or as large as the system sends: 65,507 bytes on
 *     Linux, 9,216 on macOS).
 * 2.2 Resolve with the reply: the first datagram that comes back from `host`:`port`, as a
 *     `Buffer`, byte for byte. Ignore datagrams from any other address or port.
 * 2.3 If no reply has arrived `timeoutMs` milliseconds after a send, send the same datagram
 *     again from the same socket (a late reply to an earlier try still counts), until `tries`
 *     datagrams have been sent in all. Wait the full `timeoutMs` after every send.
 * 2.4 When `timeoutMs` has passed after the last try with no reply, reject with an `Error` whose
 *     `code` is `'ETIMEDOUT'`.
 * 2.5 If the socket reports an error, reject with that error (its `code` intact) at once, with
 *     no further tries: `EMSGSIZE` from the send callback when the datagram is too big, or
 *     `ECONNREFUSED` when nothing listens at `host`:`port` (the system tells only a CONNECTED
 *     socket, see `socket.connect()`).
 * 2.6 When the promise settles (resolved or rejected), close the socket and clear the timer:
 *     nothing of this call is left running.
 *
 * Example, against the echo server of task 1:
 *   await request(port, '127.0.0.1', Buffer.from('ping'), { timeoutMs: 500, tries: 3 })  // → <Buffer 70 69 6e 67>
 */
export function request(port: number, host: string, message: Buffer, options: RequestOptions): Promise<Buffer> {
  // TODO: create a socket, connect it, send, wait for 'message' with a timer, retry, clean up.
  throw new Error('TODO: implement request() in exercises/04-udp.ts');
}
