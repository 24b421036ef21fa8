// Reference solution for lesson 03. One correct way among many: the checks accept any
// implementation with the same behaviour.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface Client {
  address: string;
  port: number;
}

export function createReplyServer(compute: (request: string) => Promise<string>): net.Server {
  // allowHalfOpen: the client's FIN ends only its direction; ours stays open for the answer.
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {}); // a reset must not crash the server
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // 'end' only: a connection that breaks emits 'error' and 'close', never 'end'.
    socket.on('end', async () => {
      // Decode once, at the end: a character split between chunks stays whole.
      const request = Buffer.concat(chunks).toString('utf8');
      try {
        socket.end(await compute(request));
      } catch {
        socket.destroy();
      }
    });
  });
}

/** Asks `admit` about a paused socket; destroys it unread when the answer is not yes. */
async function decide(socket: net.Socket, admit: (client: Client) => Promise<boolean>): Promise<boolean> {
  socket.on('error', () => {});
  // Known once the connection is accepted (a client that is gone already gets no special case).
  const client = { address: socket.remoteAddress as string, port: socket.remotePort as number };
  // Only a clear yes lets the client in; a failed check counts as a no.
  const ok = await admit(client).then(
    (answer) => answer === true,
    () => false,
  );
  if (!ok) socket.destroy();
  return ok;
}

export function createGateServer(admit: (client: Client) => Promise<boolean>): net.Server {
  // pauseOnConnect: the socket does not read until resume(), so the bytes wait in the kernel.
  return net.createServer({ pauseOnConnect: true }, async (socket) => {
    if (await decide(socket, admit)) socket.pipe(socket); // pipe() resumes the socket
  });
}

export function createHandoffServer(admit: (client: Client) => Promise<boolean>, worker: ChildProcess): net.Server {
  return net.createServer({ pauseOnConnect: true }, async (socket) => {
    // Never resumed here: whatever the client sent is still in the kernel for the worker.
    if (await decide(socket, admit)) worker.send('socket', socket);
  });
}
