// Lesson 07 · Unix domain sockets: IPC between processes on one machine
// Read the explainer first: `npm run learn` (or lessons/07-unix-sockets.md).
// Check your work with `npm run verify 07`. Stuck? `npm run hint 07`.
import net from 'node:net';

/**
 * Task 1 — a control server, the kind a daemon offers on a socket file (like docker.sock).
 *
 * Return a server from `net.createServer` that is NOT listening yet: the checks listen on a
 * Unix socket path themselves (or with your `listenSafely()` from task 2).
 *
 * The CTL protocol, for every client that connects:
 * 1.1 The client sends commands, one per line; a line ends with `\n` (the `\n` is not part of
 *     it). Answer every complete line with one reply line, in order, however the bytes are
 *     split into chunks. Text after the last `\n` is not a command yet: keep it until the rest
 *     arrives. Each client has its own unfinished line.
 * 1.2 The line `PING`: reply `PONG\n`.
 * 1.3 The line `PID`: reply with the id of the process your server runs in (`process.pid`), in
 *     decimal, then `\n`. It tells a client which process answered.
 * 1.4 Any other line: reply `ERR unknown command\n`. Commands match exactly: an empty line,
 *     `ping`, ` PING`, `PING\r` and `PIDS` are all unknown.
 * 1.5 When the client ends its side, end yours (Node does this for you by default). A client
 *     that resets its connection must not crash the server: it keeps serving the others.
 */
export function createControlServer(): net.Server {
  // TODO: return net.createServer((socket) => { ... }).
  throw new Error('TODO: implement createControlServer() in exercises/07-unix-sockets.ts');
}

/**
 * Task 2 — start `server` on the Unix socket file `socketPath`, safely.
 *
 * 2.1 Listen on `socketPath` (`server.listen(socketPath)`) and resolve, with nothing, once the
 *     server is listening. If `socketPath` is free, nothing else happens.
 * 2.2 Before you resolve, give the socket file the permission bits `mode` (default `0o600`:
 *     only your own user may connect). When the promise resolves, the file already has them.
 * 2.3 A socket file that nobody answers at (connecting to it fails with `ECONNREFUSED`) is
 *     stale: a server crashed without removing it. Remove it, then listen. If connecting fails
 *     with any other error (for example `EACCES`: you may not connect to that file; `EAGAIN`:
 *     its server is too busy to take the connection), the file is not known to be stale:
 *     leave it alone and reject with that error.
 * 2.4 If a server answers at `socketPath` (a connection to it succeeds), it is alive: leave
 *     its file alone, close the connection you made to find out, and reject with an Error
 *     whose `code` is `'EADDRINUSE'`.
 * 2.5 If something that is not a socket is at `socketPath` (a regular file, a folder), leave
 *     it alone and reject with an Error whose `code` is `'EADDRINUSE'`.
 * 2.6 Any other error from `listen()` (for example, the folder does not exist): reject with
 *     that error, as it is.
 * 2.7 A `socketPath` longer than 107 bytes (UTF-8) would be cut short silently by the system:
 *     reject with an Error whose `code` is `'ENAMETOOLONG'` and whose message says why,
 *     without listening or creating anything.
 * 2.8 On Linux, a `socketPath` that starts with `'\0'` is an abstract name: no file exists for
 *     it, so there is nothing to check, remove or chmod. Listen on it as it is; if the name is
 *     in use, reject with the `'EADDRINUSE'` error.
 */
export function listenSafely(server: net.Server, socketPath: string, mode = 0o600): Promise<void> {
  // TODO: listen; on EADDRINUSE find out whether the file is stale (see the explainer).
  throw new Error('TODO: implement listenSafely() in exercises/07-unix-sockets.ts');
}

/**
 * Task 3 — a client for the control socket.
 *
 * 3.1 Connect to the Unix socket at `socketPath` and send `command` followed by `\n`.
 * 3.2 Resolve with the first line the server sends back: the text before its first `\n`,
 *     decoded as UTF-8, exactly as sent (a `\r` before the `\n` stays). The line may arrive in
 *     several chunks, or together with more lines: only the first line counts.
 * 3.3 Once you have the line, close the connection (`end()` or `destroy()`).
 * 3.4 Reject with the socket's error if connecting fails (`ENOENT`: no such file;
 *     `ECONNREFUSED`: a stale socket file), and with an Error that says what happened if the
 *     connection ends before a whole line arrived.
 *
 * Example, against your control server:
 *   await ask('/tmp/ctl.sock', 'PING')  // → 'PONG'
 */
export function ask(socketPath: string, command: string): Promise<string> {
  // TODO: net.connect(socketPath), write the command, read until the first '\n'.
  throw new Error('TODO: implement ask() in exercises/07-unix-sockets.ts');
}
