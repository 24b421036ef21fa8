// A TCP proxy that changes how bytes are split into chunks on their way to the target, and
// nothing else. Chunk boundaries are how TCP surprises learners: a correct program must give
// the same answers whichever mode is used.
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { HOST, Peer } from './net.ts';
import { linkPorts } from './timeline.ts';
import { until, within } from './wait.ts';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

export type ChunkMode =
  /** Forward in pieces of `size` bytes, letting the event loop run between pieces so the
   *  receiver reads each piece on its own. */
  | { split: number }
  /** Hold everything until `releaseWhenHolding(n)` and deliver it as one write. */
  | 'hold';

const proxies = new Set<net.Server>();
const pipes = new Set<net.Socket>();

/** Closes every proxy and its connections (run after each check). */
export async function closeProxies(): Promise<void> {
  for (const socket of pipes) socket.destroy();
  pipes.clear();
  const servers = [...proxies];
  proxies.clear();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
}

/**
 * Starts a proxy to 127.0.0.1:`targetPort` that re-chunks what flows TO the target with `mode`;
 * replies flow back untouched. One connection at a time in 'hold' mode.
 */
export async function chunkingProxy(targetPort: number, mode: ChunkMode) {
  const held: Buffer[] = [];
  const changes = new EventEmitter();
  let heldBytes = 0;
  let release: (() => void) | undefined;
  // noDelay: each piece leaves at once, as its own segment, instead of waiting (Nagle) for the
  // previous one to be acknowledged and being merged with the next.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (inbound) => {
    const outbound = net.connect({ port: targetPort, host: HOST, allowHalfOpen: true, noDelay: true });
    // On the timeline, the client's connection and the one the target accepted are one.
    outbound.once('connect', () => linkPorts(inbound.remotePort, outbound.localPort));
    pipes.add(inbound).add(outbound);
    for (const s of [inbound, outbound]) {
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
      s.on('close', () => pipes.delete(s));
    }
    outbound.pipe(inbound);
    // Forward chunks strictly in order, one piece at a time.
    let chain = Promise.resolve();
    const forward = (data: Buffer) => {
      chain = chain.then(async () => {
        if (mode === 'hold') {
          held.push(data);
          heldBytes += data.length;
          changes.emit('change');
          return;
        }
        for (let i = 0; i < data.length; i += mode.split) {
          if (outbound.destroyed) return;
          outbound.write(data.subarray(i, i + mode.split));
          await nextTurn();
        }
      });
    };
    const flush = () => {
      if (held.length) outbound.write(Buffer.concat(held.splice(0)));
      heldBytes = 0;
    };
    release = () => (chain = chain.then(flush));
    inbound.on('data', forward);
    inbound.on('end', () => {
      chain = chain.then(() => {
        flush();
        outbound.end();
      });
    });
  });
  proxies.add(server);
  server.listen(0, HOST);
  await within(once(server, 'listening'), 'the chunking proxy to start');
  return {
    port: (server.address() as net.AddressInfo).port,
    /** In 'hold' mode: once `bytes` bytes are held, deliver them to the target as ONE write. */
    async releaseWhenHolding(bytes: number): Promise<void> {
      await until(
        (notify) => {
          changes.on('change', notify);
          return () => changes.off('change', notify);
        },
        () => (heldBytes >= bytes && release ? true : undefined),
        `the proxy to receive all ${bytes} bytes`,
      );
      release?.();
    },
  };
}

export type { Peer };

onCheckEnd(AFTER_CHECK.proxies, closeProxies);
