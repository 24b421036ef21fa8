// A lossy UDP proxy: UDP may lose datagrams, and loopback never does, so the checks lose them on
// purpose, deterministically: the first N datagrams from clients are dropped, everything after
// is forwarded. Replies come back to each client from the proxy's own port, as from a server.
import dgram from 'node:dgram';
import { EventEmitter, once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Datagram } from './udp.ts';
import { UDP_HOST } from './udp-peer.ts';
import { ownSocket } from './udp-tracking.ts';
import { note } from './timeline.ts';
import { markUdp } from './timeline-udp.ts';
import { until, within, type WaitOptions } from './wait.ts';

export interface LossyOptions {
  /** How many datagrams from clients to drop before forwarding any. */
  dropFirst: number;
}

/** Starts a proxy in front of 127.0.0.1:`targetPort` that drops the first `dropFirst` requests. */
export async function lossyProxy(targetPort: number, { dropFirst }: LossyOptions) {
  // The proxy's sockets are not recorded themselves: notes say what it dropped.
  const front = markUdp(ownSocket(), 'quiet');
  const fromClients: Datagram[] = [];
  const changes = new EventEmitter();
  /** One connected upstream socket per client, so each reply finds its way back to its client. */
  const upstreams = new Map<string, Promise<dgram.Socket>>();

  const upstreamFor = (client: Datagram['from']) => {
    const key = `${client.address}:${client.port}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      const socket = markUdp(ownSocket(), 'quiet');
      socket.on('message', (data: Buffer) => front.send(data, client.port, client.address));
      socket.connect(targetPort, UDP_HOST);
      // A socket that is still connecting cannot send yet: forward once it is connected.
      upstream = once(socket, 'connect').then(() => socket);
      upstreams.set(key, upstream);
    }
    return upstream;
  };

  front.on('message', (data: Buffer, rinfo: dgram.RemoteInfo) => {
    const datagram = { data, from: { address: rinfo.address, port: rinfo.port }, at: performance.now() };
    fromClients.push(datagram);
    changes.emit('change');
    if (fromClients.length <= dropFirst) note('note', `the test's proxy drops datagram ${fromClients.length} (lost on purpose)`);
    else void upstreamFor(datagram.from).then((upstream) => upstream.send(data));
  });
  front.bind(0, UDP_HOST);
  await within(once(front, 'listening'), 'the lossy UDP proxy to start');

  return {
    port: front.address().port,
    /** Every datagram clients sent to the proxy, dropped or not, in order. */
    fromClients,
    /** How many of them were dropped. */
    get dropped(): number {
      return Math.min(dropFirst, fromClients.length);
    },
    /** Waits until clients have sent at least `count` datagrams. */
    waitFor(count: number, what: string, hint: string, options: WaitOptions = {}): Promise<Datagram[]> {
      return until(
        (notify) => {
          changes.on('change', notify);
          return () => changes.off('change', notify);
        },
        () => (fromClients.length >= count ? fromClients : undefined),
        what,
        { hint, detail: () => `${fromClients.length} datagram(s) arrived at the proxy`, ...options },
      );
    },
  };
}
