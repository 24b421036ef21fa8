// npm run try 04: the learner's UDP echo server on 127.0.0.1:PORT.
import type dgram from 'node:dgram';
import { once } from 'node:events';
import type { TryAdapter } from './types.ts';

const start: TryAdapter = async ({ load, host, port }) => {
  const { createEchoServer } = await load<{ createEchoServer(): dgram.Socket }>(['createEchoServer']);
  const socket = createEchoServer();
  socket.bind(port, host);
  await Promise.race([once(socket, 'listening'), once(socket, 'error').then(([err]) => Promise.reject(err))]);
  // Show each datagram as it arrives: where it came from and how big it is.
  socket.on('message', (message: Buffer, rinfo: dgram.RemoteInfo) => console.log(`datagram from ${rinfo.address}:${rinfo.port}, ${message.length} bytes`));
  return {
    what: 'your UDP echo server (createEchoServer())',
    placeholders: { PORT: String(socket.address().port) },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
};
export default start;
