// A barrier for "the learner's code has had its chance to read": bytes already sent on loopback
// sit in the receiving socket's kernel buffer, and a socket that is reading gets them on the
// event loop's next poll. A round trip on a private connection in this same process takes two
// polls, so after it any socket of the learner's that reads has read what was sent before.
// (No sleep: it waits for events, with a deadline.)
import { once } from 'node:events';
import net from 'node:net';
import { HOST } from './net.ts';
import { within } from './wait.ts';

let pair: Promise<{ client: net.Socket }> | undefined;

/** One echo connection kept for the whole test file; unref'd so it never keeps a worker alive. */
function privatePair() {
  return (pair ??= (async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    server.listen(0, HOST);
    await once(server, 'listening');
    server.unref();
    const client = net.connect((server.address() as net.AddressInfo).port, HOST);
    client.on('error', () => {});
    await once(client, 'connect');
    client.unref();
    return { client };
  })());
}

/** Returns after a full round trip through the event loop's network poll (see above). */
export async function roundTrip(): Promise<void> {
  const { client } = await within(privatePair(), 'a private loopback connection (for timing)');
  const echoed = once(client, 'data');
  client.write('.');
  await within(echoed, 'a round trip on a private loopback connection');
}
