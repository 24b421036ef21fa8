// Reference solution for lesson 02. One correct way among many: the checks accept any
// implementation with the same behaviour.
import { once } from 'node:events';
import net from 'node:net';

export interface StartOptions {
  port: number;
  host: string;
  maxConnections?: number;
}

export interface EchoServer {
  readonly server: net.Server;
  readonly address: net.AddressInfo;
  dropped(): number;
  connections(): Promise<number>;
  stop(): Promise<void>;
}

export async function startEchoServer(options: StartOptions): Promise<EchoServer> {
  const server = net.createServer((socket) => {
    // A client that resets makes its socket emit 'error'; unheard, it would crash the process.
    socket.on('error', () => {});
    // Buffers in, Buffers out: no decoding, so any byte comes back unchanged. pipe() also
    // ends our side when the client ends its side.
    socket.pipe(socket);
  });
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  let dropped = 0;
  server.on('drop', () => dropped++);

  server.listen(options.port, options.host);
  // Listening fails asynchronously: 'error' (EADDRINUSE…) instead of 'listening'. events.once
  // rejects with that error, and removes its listeners either way.
  await once(server, 'listening');
  return {
    server,
    // Only now is the address known: with a host, address() is null until 'listening'.
    address: server.address() as net.AddressInfo,
    dropped: () => dropped,
    connections: () => new Promise((resolve, reject) => server.getConnections((err, count) => (err ? reject(err) : resolve(count)))),
    // close() stops accepting at once; its callback waits for open connections, and gets
    // ERR_SERVER_NOT_RUNNING when the server was already closed.
    stop: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
