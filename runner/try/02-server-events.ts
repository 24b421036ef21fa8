// npm run try 02: the learner's echo server, started by their own startEchoServer() on
// 127.0.0.1:PORT (so its listen and its address are theirs too).
import type net from 'node:net';
import { closer } from './servers.ts';
import type { TryAdapter } from './types.ts';

interface EchoServer {
  server: net.Server;
  address: net.AddressInfo;
}

const start: TryAdapter = async ({ load, host, port }) => {
  const { startEchoServer } = await load<{ startEchoServer(o: { port: number; host: string }): Promise<EchoServer> }>(['startEchoServer']);
  const echo = await startEchoServer({ port, host });
  const close = closer(echo.server);
  return { what: 'your echo server (startEchoServer())', placeholders: { PORT: String(echo.address.port) }, close };
};
export default start;
