// A deterministic UDP proxy: what a real network may do to datagrams (reorder, duplicate,
// drop), done by rule rather than by chance, so a check fails the same way every run. It
// collects a given number of datagrams, then forwards them in the order the rule says.
import { EventEmitter, once } from 'node:events';
import dgram from 'node:dgram';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LOOPBACK, trackUdp, type UdpFamily } from './udp-inbox.ts';
import { note } from './timeline.ts';
import { markUdp } from './timeline-udp.ts';
import { until, within } from './wait.ts';

export interface ChaosRule {
  /** How many datagrams to collect before forwarding any. */
  collect: number;
  /**
   * The order to forward them in, as indexes into the collected datagrams (0 = the first to
   * arrive): repeat an index to duplicate that datagram, leave it out to drop it.
   */
  deliver: number[];
}

/** A rule that delivers `n` datagrams in reverse order. */
export const reverse = (n: number): ChaosRule => ({ collect: n, deliver: Array.from({ length: n }, (_, i) => n - 1 - i) });

/**
 * Starts a proxy to `target` on the loopback address of `family`. `pace(k)` is awaited after
 * the k-th datagram is forwarded (k from 1): pass a wait for its arrival, so that a burst never
 * overflows the receiver's buffer; by default the proxy lets one event-loop turn pass.
 */
export async function udpChaosProxy(target: { port: number; family?: UdpFamily }, rule: ChaosRule, pace: (forwarded: number) => Promise<void> = () => nextTurn().then(() => {})) {
  const family = target.family ?? 'udp4';
  // Not recorded itself: the timeline shows what the learner's sockets sent and received.
  const socket = markUdp(trackUdp(dgram.createSocket(family)), 'quiet');
  const collected: Buffer[] = [];
  const changes = new EventEmitter();
  socket.on('message', (msg: Buffer) => {
    collected.push(msg);
    changes.emit('change');
  });
  socket.bind(0, LOOPBACK[family]);
  await within(once(socket, 'listening'), 'the UDP proxy to start');
  socket.setRecvBufferSize(1 << 20);
  return {
    port: socket.address().port,
    /** The datagrams the proxy received, in order of arrival. */
    collected,
    /** Waits for the rule's datagrams to arrive, then forwards them as the rule says. */
    async run(waitingFor: string, hint?: string): Promise<void> {
      await until(
        (notify) => {
          changes.on('change', notify);
          return () => changes.off('change', notify);
        },
        () => (collected.length >= rule.collect ? true : undefined),
        waitingFor,
        { hint, detail: () => `the proxy received ${collected.length} of ${rule.collect} datagrams` },
      );
      let forwarded = 0;
      note('note', `the test's proxy forwards datagrams ${rule.deliver.map((i) => i + 1).join(', ')} of ${collected.length}`);
      for (const i of rule.deliver) {
        await new Promise<void>((resolve, reject) => socket.send(collected[i], target.port, LOOPBACK[family], (err) => (err ? reject(err) : resolve())));
        await pace(++forwarded);
      }
    },
  };
}
