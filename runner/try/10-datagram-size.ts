// npm run try 10: the learner's receivePieces() on a udp4 socket on 127.0.0.1:PORT. After each
// datagram it replies to the sender with the receiver's progress ("missing: 0, 3" or
// "complete, N bytes: …"), so that `socat` and `nc -u` show what the receiver made of it. A
// completed transfer starts a fresh receiver on the same socket.
import { once } from 'node:events';
import dgram from 'node:dgram';
import type { TryAdapter } from './types.ts';

interface PieceReceiver {
  done: Promise<Buffer>;
  missing(): number[] | undefined;
}

const start: TryAdapter = async ({ load, host, port }) => {
  const { receivePieces } = await load<{ receivePieces(socket: dgram.Socket): PieceReceiver }>(['receivePieces']);
  const socket = dgram.createSocket('udp4');
  socket.bind(port, host);
  await Promise.race([once(socket, 'listening'), once(socket, 'error').then(([err]) => Promise.reject(err))]);

  let complete: Buffer | undefined;
  let receiver: PieceReceiver;
  const fresh = () => {
    // The learner's listeners belong to the finished transfer: a new one starts from scratch.
    socket.removeAllListeners('message');
    socket.removeAllListeners('close');
    complete = undefined;
    receiver = receivePieces(socket);
    receiver.done.then(
      (payload) => (complete = payload),
      () => {}, // rejects when the session closes the socket; nothing to report then
    );
    socket.on('message', report);
  };
  const report = (_msg: Buffer, from: dgram.RemoteInfo) => {
    // One turn later, the learner's own 'message' handler (and its promise) has run.
    setImmediate(() => {
      let text: string;
      if (complete) text = `complete, ${complete.length} bytes: ${complete.toString('utf8')}`;
      else {
        const gaps = receiver.missing();
        text = gaps === undefined ? 'waiting for a first piece' : `missing: ${gaps.join(', ')}`;
      }
      socket.send(`${text.replace(/\n$/, '')}\n`, from.port, from.address, () => {});
      if (complete) fresh();
    });
  };
  fresh();
  return {
    what: 'your receivePieces() on a UDP socket, replying to each datagram with its progress',
    placeholders: { PORT: String(socket.address().port) },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
};
export default start;
