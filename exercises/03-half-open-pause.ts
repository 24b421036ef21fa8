// Lesson 03 · Half-open connections and paused sockets
// Read the explainer first: `npm run learn` (or lessons/03-half-open-pause.md).
// Check your work with `npm run verify 03`. Stuck? `npm run hint 03`.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Who is knocking: the client's address and port, as the server sees them. */
export interface Client {
  address: string;
  port: number;
}

/**
 * Task 1 — a request-then-EOF server.
 *
 * Return a TCP server that is NOT listening yet (the checks listen on it). A client sends its
 * whole request and then ends its side of the connection; only then does the server work out
 * the answer, with `compute`, which takes a while (it is asynchronous), and send it back.
 *
 * 1.1 Create the server with `allowHalfOpen: true`, so that a client's FIN ends only the
 *     client's direction: your side must stay open until the answer has been written, however
 *     long `compute` takes.
 * 1.2 The request is every byte the client sends until it ends its side, decoded as UTF-8 (a
 *     character split between two chunks stays whole). It may be empty, may contain any
 *     characters (`\n`, `\r`, …), and may be large (1 MB).
 * 1.3 Once the client has ended its side (`'end'`), call `compute(request)` exactly once, with
 *     the whole request. Never earlier, even if what has arrived looks complete.
 * 1.4 When the promise from `compute` resolves with `answer`, write `answer` (UTF-8, nothing
 *     added; it may be empty or large), then end the connection.
 * 1.5 If the promise from `compute` rejects, write nothing and close the connection at once, in
 *     the code that handles the rejection (`end()` or `destroy()`): not later from a timer, and
 *     without waiting for the client, which has already ended its side. The server keeps
 *     serving: no crash, no unhandled rejection.
 * 1.6 Connections are independent: many clients at once, each with its own request, and a slow
 *     answer for one does not hold up the others. A client that resets its connection instead
 *     of ending it gets no `compute` call, and must not crash the server.
 */
export function createReplyServer(compute: (request: string) => Promise<string>): net.Server {
  // TODO: net.createServer({ allowHalfOpen: true }, (socket) => { ... }) and return it.
  throw new Error('TODO: implement createReplyServer() in exercises/03-half-open-pause.ts');
}

/**
 * Task 2 — a gatekeeper.
 *
 * Return a TCP server that is NOT listening yet. Each new connection waits at the gate until
 * `admit` (an asynchronous check, such as a look-up in a block list) has decided about it.
 *
 * 2.1 Create the server with `pauseOnConnect: true`. Until its decision, nothing may be read
 *     from a connection (its `socket.bytesRead` stays 0) and nothing is written to it.
 * 2.2 For each connection, call `admit({ address, port })` exactly once, with the client's
 *     address and port (`socket.remoteAddress`, `socket.remotePort`), as soon as it connects,
 *     before the client has sent anything. Its promise either resolves with a boolean (`true`
 *     or `false`, never any other value) or rejects.
 * 2.3 If `admit` resolves with `true`, resume the connection and echo back every byte the
 *     client sends, starting with the bytes it sent before the decision (none may be lost);
 *     when the client ends its side, end yours.
 * 2.4 If `admit` resolves with `false`, or rejects, destroy the connection at once, without
 *     reading from it (`bytesRead` stays 0) and without writing anything.
 * 2.5 A client that resets its connection, before or after its decision, must not crash the
 *     server.
 */
export function createGateServer(admit: (client: Client) => Promise<boolean>): net.Server {
  // TODO: net.createServer({ pauseOnConnect: true }, async (socket) => { ... }) and return it.
  throw new Error('TODO: implement createGateServer() in exercises/03-half-open-pause.ts');
}

/**
 * Task 3 (stretch) — hand connections over to another process.
 *
 * Return a TCP server that is NOT listening yet. It is a gatekeeper like task 2, but it does
 * not serve the connections it admits: another process, `worker` (started by the checks with
 * `child_process.fork`), does.
 *
 * 3.1 Clauses 2.1, 2.2, 2.4 and 2.5 hold here too. An admitted connection is sent to the
 *     worker with `worker.send('socket', socket)` (exactly that message, `'socket'`); from then
 *     on the worker serves it (it greets the client with `WORKER\n`, then echoes).
 * 3.2 Every byte the client sent, also before the decision, must reach the worker: read nothing
 *     from the connection in this process, before or after sending it.
 */
export function createHandoffServer(admit: (client: Client) => Promise<boolean>, worker: ChildProcess): net.Server {
  // TODO: like createGateServer(), but worker.send('socket', socket) instead of serving it.
  throw new Error('TODO: implement createHandoffServer() in exercises/03-half-open-pause.ts');
}
