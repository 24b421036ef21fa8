// Helpers for try adapters: listen on loopback and close without waiting forever for clients.
import { once } from 'node:events';
import net from 'node:net';

/** Listens `server` on host:port and returns the port it got. */
export async function listenOn(server: net.Server, host: string, port: number): Promise<number> {
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]);
  return (server.address() as net.AddressInfo).port;
}

/** Tracks a server's connections so that close() can end them instead of waiting for clients. */
export function closer(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
}
