// A second IPv4 loopback address, 127.0.0.2. On Linux the whole of 127.0.0.0/8 is loopback, so
// a socket can bind there with no setup; macOS has only 127.0.0.1 unless an alias is added. UDP
// checks use it to tell "replies to the sender's address" (or "sends to the host it is given")
// from "talks to localhost": where every client is on 127.0.0.1, the two look the same.
import { once } from 'node:events';
import dgram from 'node:dgram';

export const OTHER_LOOPBACK = '127.0.0.2';

let probe: Promise<boolean> | undefined;

/** True when a UDP socket can bind to 127.0.0.2 here (asked once per test file). */
export function hasOtherLoopback(): Promise<boolean> {
  return (probe ??= (async () => {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, OTHER_LOOPBACK);
    const ok = await Promise.race([once(socket, 'listening').then(() => true), once(socket, 'error').then(() => false)]);
    socket.close();
    return ok;
  })());
}
