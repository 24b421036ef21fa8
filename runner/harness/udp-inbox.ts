// UDP sockets for checks: bound on loopback with a port the system picks, every datagram kept
// in order of arrival, every wait with a deadline, every socket closed after the check. Also
// counts the process's UDP handles, to tell whether learner code closed the sockets it opened.
import { once } from 'node:events';
import dgram from 'node:dgram';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { markUdp } from './timeline-udp.ts';
import { until, within } from './wait.ts';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

export type UdpFamily = 'udp4' | 'udp6';
export const LOOPBACK: Record<UdpFamily, string> = { udp4: '127.0.0.1', udp6: '::1' };

const sockets = new Set<dgram.Socket>();

/** Registers a check's UDP socket to be closed after the check. */
export function trackUdp(socket: dgram.Socket): dgram.Socket {
  markUdp(socket, 'check');
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
  return socket;
}

/**
 * Closes every UDP socket a check opened (and not closed itself), and lets them disappear from
 * the process's handles: a closed handle is only gone a loop turn or two after its 'close'
 * event, and the next check counts handles to see whether learner code closed its own.
 */
export async function closeUdpSockets(): Promise<void> {
  const open = [...sockets];
  sockets.clear();
  await Promise.all(
    open.map(
      (s) =>
        new Promise<void>((resolve) => {
          try {
            s.close(() => resolve());
          } catch {
            resolve(); // closed already (by learner code, against the contract): nothing to do
          }
        }),
    ),
  );
  if (open.length) {
    await nextTurn();
    await nextTurn();
  }
}
onCheckEnd(AFTER_CHECK.udpInbox, closeUdpSockets);

/** A bound UDP socket that keeps every datagram it receives, in order. */
export class Inbox {
  readonly received: Buffer[] = [];
  private taken = 0;
  private readonly subscribe = (notify: () => void) => {
    this.socket.on('message', notify);
    return () => this.socket.off('message', notify);
  };

  constructor(
    readonly socket: dgram.Socket,
    readonly family: UdpFamily,
  ) {
    socket.on('message', (msg: Buffer) => this.received.push(msg));
  }

  get host(): string {
    return LOOPBACK[this.family];
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Waits until `n` datagrams have arrived in all, then one more event-loop turn, so that other
   *  'message' listeners on this socket (learner code) have handled them too. */
  async waitForCount(n: number, waitingFor: string, hint?: string): Promise<void> {
    await until(this.subscribe, () => (this.received.length >= n ? true : undefined), waitingFor, {
      hint,
      detail: () => `${this.received.length} of ${n} arrived`,
    });
    await nextTurn();
  }

  /** The next datagram not read yet. */
  async next(waitingFor: string, hint?: string): Promise<Buffer> {
    await this.waitForCount(this.taken + 1, waitingFor, hint);
    return this.received[this.taken++];
  }

  /** Sends one datagram from this socket and waits for its send callback. */
  send(data: Buffer, port: number, host = this.host): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(data, port, host, (err) => (err ? reject(err) : resolve())));
  }
}

/**
 * A UDP socket bound on the loopback address of `family`, port 0, with a large receive buffer
 * (big datagrams must not be dropped while the event loop is busy). Undefined when the family
 * is not available on this machine (no IPv6 loopback), for the check to skip with a note.
 */
export async function udpInbox(family: UdpFamily = 'udp4'): Promise<Inbox | undefined> {
  const socket = trackUdp(dgram.createSocket(family));
  socket.on('error', () => {}); // only binding can fail, and that is handled below
  socket.bind(0, LOOPBACK[family]);
  const bound = await within(
    Promise.race([once(socket, 'listening').then(() => true), once(socket, 'error').then(() => false)]),
    `a ${family} test socket to bind on ${LOOPBACK[family]}`,
  );
  if (!bound) return undefined;
  socket.setRecvBufferSize(1 << 20);
  return new Inbox(socket, family);
}

/** How many UDP sockets the process has open (learner code's and the checks'). */
export function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

/** Waits until at most `count` UDP sockets are open: the learner's have been closed. */
export async function untilUdpHandles(count: number, waitingFor: string, hint: string): Promise<void> {
  // A closed handle disappears a loop turn or two after close(); there is no event to wait
  // for, so look again on every turn (bounded by the wait's deadline).
  let ticking = true;
  await until(
    (notify) => {
      void (async () => {
        while (ticking) {
          await nextTurn();
          notify();
        }
      })();
      return () => (ticking = false);
    },
    () => (udpHandles() <= count ? true : undefined),
    waitingFor,
    { hint, ms: 1000, detail: () => `${udpHandles() - count} UDP socket(s) still open` },
  );
}
