// Lesson 09 · HTTP/1.1 by hand, over a plain TCP socket
// Read the explainer first: `npm run learn` (or lessons/09-http-over-tcp.md).
// Check your work with `npm run verify 09`. Stuck? `npm run hint 09`.
import net from 'node:net';

/** One request, as your server hands it to the handler. */
export interface HttpRequest {
  /** `GET`, `POST`, … exactly as sent. */
  method: string;
  /** The request target exactly as sent: `/`, `/search?q=tcp`. */
  target: string;
  /** `HTTP/1.1` or `HTTP/1.0`. */
  version: string;
  /** Header names in lower case, values trimmed: `{ host: 'example.com' }`. */
  headers: Record<string, string>;
  /** The body's bytes (empty when the request has none). */
  body: Buffer;
}

/** What the handler answers; your server turns it into bytes on the wire. */
export interface HttpResponse {
  status: number;
  /** Extra headers, written as given. Never Content-Length or Connection: those are yours. */
  headers?: Record<string, string>;
  /** A string is sent as UTF-8. No body means an empty one. */
  body?: string | Buffer;
}

export type Handler = (request: HttpRequest) => HttpResponse;

/**
 * Task 1 — an HTTP/1.1 server on `net`, without `node:http`.
 *
 * Return a TCP server (from `net.createServer`) that is NOT listening yet: the checks call
 * `listen()` on it themselves. Real clients (Node's http module, fetch, curl) talk to it.
 *
 * 1.1 A connection carries requests one after another. Bytes arrive in chunks of any size: a
 *     request may be split anywhere, and one chunk may hold several requests (pipelining). Keep
 *     a buffer per connection, of bytes (a body is bytes, not text).
 * 1.2 A request starts with its head: the request line, the header lines, then an empty line.
 *     Each line ends with `\r\n`; accept a bare `\n` as a line end too. A `\r` anywhere else in
 *     the head makes the request malformed (1.11). The head is ASCII (decode it as 'latin1').
 *     (An empty line where a request line should start: do as you like, no check sends one.)
 * 1.3 The request line is METHOD, one space, TARGET, one space, VERSION, and nothing else:
 *     METHOD is one or more capital letters A–Z, TARGET is any text without spaces, VERSION is
 *     exactly `HTTP/1.1` or `HTTP/1.0`. Any other request line is malformed.
 * 1.4 A header line is `name:value`. The name is not empty and holds no space or tab; the value
 *     is trimmed of spaces and tabs at both ends and may be empty. Names are case-insensitive:
 *     give them to the handler in lower case. When a name appears again, join its values with
 *     `, ` in order. A header line without `:` is malformed.
 * 1.5 The body: with a `Content-Length` header, the value must be one or more digits 0–9 (else
 *     the request is malformed: `-1`, `1e3`, `0x10`, `12abc`, `5, 5` from two headers), and the
 *     body is exactly that many bytes right after the head, in this chunk or later ones. Without
 *     Content-Length the body is empty. A request with a `Transfer-Encoding` header (chunked
 *     bodies) is not supported: answer it with status 501 and close (1.11).
 * 1.6 Once the head and the whole body are there, call `handler` once with
 *     `{ method, target, version, headers, body }`, and answer with what it returns.
 * 1.7 A response is the status line `HTTP/1.1 <status> <reason>` (always `HTTP/1.1`; the reason
 *     is any text, e.g. `OK`: `http.STATUS_CODES[status]` has them), then the handler's headers
 *     as `Name: value`, then `Content-Length: <the body's size in BYTES>` (always, also 0), an
 *     empty line, and the body (a string as UTF-8). Every line ends with `\r\n`. You may add
 *     headers of your own (such as Date), but only one Content-Length.
 * 1.8 If the handler throws, answer with status 500 (body of your choice) and keep serving the
 *     connection.
 * 1.9 Keep-alive: after a response the connection stays open for the next request (HTTP/1.1's
 *     default). Answer requests in the order they arrived, each response complete before the
 *     next. These responses carry no `Connection: close`.
 * 1.10 After answering a request whose `Connection` header holds the token `close` (the value
 *     is a comma-separated list; compare each item trimmed and in any case), or any `HTTP/1.0`
 *     request, add `Connection: close` to that response, end the connection (`socket.end()`)
 *     and ignore whatever else the client sends.
 * 1.11 A malformed request (1.2–1.5) gets status 400. Every error response (400, 413, 431, 501)
 *     carries `Connection: close`; then end the connection, ignore the rest, and do not call
 *     the handler for that request.
 * 1.12 Limits, so that nobody can make you buffer forever: a head longer than 8192 bytes
 *     (counted from the request line to the end of the empty line) gets status 431 as soon as
 *     more than 8192 bytes of it have arrived. A Content-Length over 1048576 (1 MiB) gets
 *     status 413 right after the head, without waiting for the body. The limits are per request.
 * 1.13 When the client ends its side, answer every complete request you have, each response
 *     whole however large, then end yours (`socket.end()` sends what is queued first);
 *     an unfinished request gets no answer. A client that resets its connection must not crash
 *     the server: it keeps serving everyone else.
 *
 * Example: for `GET /hi HTTP/1.1\r\nHost: x\r\n\r\n` and a handler returning
 * `{ status: 200, body: 'hé' }`, send `HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhé`.
 */
export function createHttpServer(handler: Handler): net.Server {
  // TODO: net.createServer((socket) => { ... }): buffer bytes, cut out each request, answer it.
  throw new Error('TODO: implement createHttpServer() in exercises/09-http-over-tcp.ts');
}
