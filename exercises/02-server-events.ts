// Lesson 02 · The life of a net.Server
// Read the explainer first: `npm run learn` (or lessons/02-server-events.md).
// Check your work with `npm run verify 02`. Stuck? `npm run hint 02`.
import net from 'node:net';

export interface StartOptions {
  /** The port to listen on; 0 lets the system pick a free one. */
  port: number;
  /** The address to listen on, such as '127.0.0.1'. */
  host: string;
  /** If given: how many clients may be connected at once. */
  maxConnections?: number;
}

/** What startEchoServer() resolves with: a running server and its controls. */
export interface EchoServer {
  /** The net.Server itself. */
  readonly server: net.Server;
  /** Where the server really listens: what `server.address()` reported once it listened (kept as is after stop()). */
  readonly address: net.AddressInfo;
  /** How many connections were dropped because of `maxConnections` so far (task 1). */
  dropped(): number;
  /** How many connections are open right now (task 2). */
  connections(): Promise<number>;
  /** Stop gracefully (task 3). */
  stop(): Promise<void>;
}

/**
 * Start an echo server and return an `EchoServer` to watch and stop it.
 *
 * Task 1 — start it.
 * 1.1 Echo: send every byte a client sends back to that client, unchanged and in order (any
 *     bytes, not only text; any amount; many clients at once, each getting only its own bytes).
 *     When a client ends its side, end yours once every byte it sent has been sent back, also
 *     while the client is slow to read: end() sends what is still queued first, destroy() throws
 *     it away. Node's default `allowHalfOpen: false` ends your side as soon as it reads the
 *     client's end: fine when the socket is piped straight into itself (the pipe waits for the
 *     slow reader before it reads on), but bytes still inside a stage of your own (a
 *     PassThrough, a Transform) at that moment are lost.
 * 1.2 Listen on exactly `options.host` and `options.port` (port 0: the system picks a free port).
 *     Resolve only once the server is listening (`server.listening` is true), with an EchoServer
 *     whose `address` is what `server.address()` reports then: `{ address, family, port }`,
 *     with the real port (never 0), kept as it is (still the same once the server has stopped),
 *     and whose `server` is the net.Server.
 * 1.3 If the server cannot listen (for example the port is taken: `EADDRINUSE`), reject with the
 *     error the server emitted, the Error object itself with its `code`. Never crash and never
 *     leave the promise pending.
 * 1.4 A client that resets its connection (or any other error on a client's socket) must not
 *     crash the server: it keeps serving everyone else.
 * 1.5 With `options.maxConnections` = n, at most n clients are connected at once: Node closes
 *     every further connection as soon as it arrives, without serving it, and the server emits
 *     `'drop'`. Once a client has gone, a new one is served again. Without the option, there
 *     is no limit.
 * 1.6 `dropped()` returns how many connections were dropped so far (0 when none was). A drop
 *     counts from the server's `'drop'` event for it: count it in that listener, not later.
 *
 * Task 2 — `connections()`.
 * 2.1 Resolve with the number of client connections open at that moment: a connection counts
 *     from when the server accepts it (its `'connection'` event) until its socket has closed (its
 *     `'close'` event), however it ended (the client ended it, or reset it): code that runs
 *     right after either event already sees the new count. A dropped connection never counts.
 *     (`server.getConnections()` counts exactly this.)
 * 2.2 It keeps working while the server is stopping (the connections still open) and after it
 *     has stopped (0).
 *
 * Task 3 — `stop()`.
 * 3.1 Stop accepting at once: a client that connects after `stop()` has returned is refused
 *     (`ECONNREFUSED`).
 * 3.2 Do not cut the connections that are open, not even after a while: each keeps being served
 *     until its client ends it, however long that takes (no deadline that ends or destroys them).
 * 3.3 Resolve only once every open connection has closed (at once when none is open), however
 *     long that takes: never earlier, and never reject instead because it takes long.
 * 3.4 When the server is not running any more (`stop()` called a second time), reject with an
 *     Error whose `code` is `'ERR_SERVER_NOT_RUNNING'` (what Node's `server.close(callback)`
 *     passes to its callback in that case).
 */
export function startEchoServer(options: StartOptions): Promise<EchoServer> {
  // TODO: create the server with net.createServer(...), listen, and resolve once it listens.
  throw new Error('TODO: implement startEchoServer() in exercises/02-server-events.ts');
}
