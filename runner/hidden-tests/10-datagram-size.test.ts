// Hidden tests for lesson 10: UDP payload limits, a sender that splits a payload into numbered
// datagrams sized from the MTU, and a receiver that reassembles them. Datagrams are sent one at
// a time (each waits for the previous one to arrive) so the kernel never drops any; a
// deterministic proxy reorders, duplicates and drops them by rule.
// try: receivePieces() on a udp4 socket on PORT, replying with its progress (runner/try/10-datagram-size.ts)
import dgram from 'node:dgram';
import { describe, test } from 'vitest';
import { todoOrRethrow, useExercise } from '../harness/exercise.ts';
import { expectEqual, fail } from '../harness/failure.ts';
import { reverse, udpChaosProxy } from '../harness/udp-chaos.ts';
import {
  type Inbox,
  LOOPBACK,
  type UdpFamily,
  udpHandles,
  udpInbox,
  untilUdpHandles,
} from '../harness/udp-inbox.ts';
import { within } from '../harness/wait.ts';

interface PieceReceiver {
  done: Promise<Buffer>;
  missing(): number[] | undefined;
}
interface Lesson10 {
  maxPayload(mtu: number, family: UdpFamily): number;
  sendPieces(payload: Buffer, port: number, host: string, mtu: number): Promise<number>;
  receivePieces(socket: dgram.Socket): PieceReceiver;
}

const lesson = useExercise<Lesson10>('10-datagram-size');

const HINT = {
  headers: 'Subtract both headers from the MTU: the IP header (20 bytes on IPv4, 40 on IPv6) and the UDP header (8 bytes).',
  cap: 'A UDP length field has 16 bits: at most 65535 bytes. On IPv4 the whole packet must fit in 65535 bytes (65535 - 20 - 8 = 65507 of payload); on IPv6 only the UDP part (65535 - 8 = 65527). Return Math.min(mtu - headers, that limit).',
  pieceSize: 'Each datagram is the 8-byte piece header plus data, and must fit in maxPayload(mtu, family): so each piece carries maxPayload(mtu, family) - 8 bytes of data, the last one the rest.',
  header: 'Write the index at offset 0 and the count at offset 4 with buf.writeUInt32BE(value, offset): 32-bit, big-endian, index counting from 0.',
  awaitSends: "Wait for every send's callback (wrap socket.send in a Promise), then close the socket and resolve with the number of datagrams.",
  receive: "Listen for 'message' on the socket you were given; read index and count with msg.readUInt32BE(0) and readUInt32BE(4); keep each piece's data (msg.subarray(8)) by index, and resolve once you have all `count` of them.",
  order: 'Put the pieces in an array or Map by index and join them in index order with Buffer.concat, whatever order they arrived in: do not compute offsets from the size of the first piece.',
  duplicates: 'Count distinct indexes, not datagrams: a duplicate of a piece you already have must not count again (a Set or Map by index does it).',
};

/** One datagram of the lesson's format. */
function piece(index: number, count: number, data: Buffer | string = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(index, 0);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, Buffer.from(data)]);
}

/** Deterministic bytes of every value, so that a misplaced piece shows. */
function bytes(n: number, seed = 7): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed + (i >> 8)) & 0xff));
}

/** Calls `f`, returning what it threw (a TODO becomes "not written yet"). */
function thrownBy(name: string, f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (err) {
    if (err instanceof Error && /^TODO\b/.test(err.message)) todoOrRethrow(name, lesson.file, err);
    return err;
  }
}

describe('Task 1: maxPayload()', () => {
  const table = async (cases: Array<[number, UdpFamily, number]>, hint: (mtu: number, family: UdpFamily, got: number) => string) => {
    for (const [mtu, family, want] of cases) {
      const got = await lesson.call('maxPayload', mtu, family);
      if (got !== want) fail({ message: `maxPayload(${mtu}, '${family}') returned the wrong size`, expected: String(want), actual: String(got), hint: hint(mtu, family, got) });
    }
  };

  test('subtracts 20 + 8 bytes of headers on udp4 and 40 + 8 on udp6 [1.1]', async () => {
    const cases: Array<[number, UdpFamily, number]> = [
      [1500, 'udp4', 1472],
      [1500, 'udp6', 1452],
      [576, 'udp4', 548],
      [68, 'udp4', 40],
      [1279, 'udp4', 1251],
      [1280, 'udp6', 1232],
      [9000, 'udp4', 8972],
      [9000, 'udp6', 8952],
    ];
    await table(cases, (mtu, family, got) =>
      got === mtu - 8 ? 'That is only the UDP header: subtract the IP header too (20 bytes on IPv4, 40 on IPv6).'
      : got === mtu - 20 || got === mtu - 40 ? 'That is only the IP header: subtract the 8-byte UDP header too.'
      : family === 'udp6' && got === mtu - 28 ? 'An IPv6 header is 40 bytes, not 20: on udp6 subtract 40 + 8.'
      : HINT.headers,
    );
  });

  test('never more than one datagram can carry: 65507 bytes on udp4, 65527 on udp6 [1.2]', async () => {
    await table(
      [
        [65534, 'udp4', 65506],
        [65535, 'udp4', 65507],
        [65536, 'udp4', 65507],
        [100000, 'udp4', 65507],
        [65536, 'udp6', 65488],
        [65574, 'udp6', 65526],
        [65575, 'udp6', 65527],
        [100000, 'udp6', 65527],
      ],
      (_mtu, family, got) => (family === 'udp6' && got === 65507 ? 'On IPv6 the 16-bit length covers only the UDP part (header + payload), not the IP header: the limit is 65535 - 8 = 65527.' : HINT.cap),
    );
  });

  test('the limits are real: one byte more fails to send with EMSGSIZE [1.2]', async (ctx) => {
    for (const family of ['udp4', 'udp6'] as const) {
      const size = await lesson.call('maxPayload', 100000, family);
      const inbox = await udpInbox(family);
      if (!inbox) return ctx.skip(`${LOOPBACK[family]} is not available on this machine, so the ${family} limit cannot be tried`);
      const sender = (await udpInbox(family)) as Inbox;
      const cap = family === 'udp4' ? 65507 : 65527;
      await sender.send(Buffer.alloc(size), inbox.port).catch((err: NodeJS.ErrnoException) =>
        fail({ message: `a datagram of maxPayload(100000, '${family}') = ${size} bytes could not be sent`, expected: `it to fit (at most ${cap} bytes)`, actual: err.code ?? err.message, hint: HINT.cap }),
      );
      await inbox.waitForCount(1, `the ${size}-byte datagram to arrive`);
      const err = await sender.send(Buffer.alloc(size + 1), inbox.port).then(() => undefined, (e: NodeJS.ErrnoException) => e);
      if (err?.code !== 'EMSGSIZE') fail({ message: `a datagram one byte larger than maxPayload(100000, '${family}') = ${size} went out`, expected: `EMSGSIZE for ${size + 1} bytes`, actual: err ? String(err.code) : 'sent', hint: HINT.cap });
    }
  });

  test('throws a RangeError for an MTU too small or not an integer, and for an unknown family [1.3]', async () => {
    const f = await lesson.fn('maxPayload');
    const cases: Array<[number, string]> = [
      [67, 'udp4'],
      [1279, 'udp6'],
      [0, 'udp4'],
      [-1500, 'udp4'],
      [1500.5, 'udp4'],
      [Number.NaN, 'udp4'],
      [Number.POSITIVE_INFINITY, 'udp6'],
      [1500, 'udp'],
      [1500, 'tcp4'],
    ];
    for (const [mtu, family] of cases) {
      const err = thrownBy('maxPayload', () => f(mtu, family as UdpFamily));
      if (!(err instanceof RangeError)) {
        const hint =
          family !== 'udp4' && family !== 'udp6' ? "Check the family first: anything but 'udp4' or 'udp6' is a RangeError."
          : !Number.isInteger(mtu) ? 'Number.isInteger(mtu) is false for 1500.5, NaN and Infinity: throw a RangeError then.'
          : 'The smallest MTU is 68 on IPv4 and 1280 on IPv6: throw new RangeError(...) below that.';
        fail({ message: `maxPayload(${mtu}, '${family}') did not throw a RangeError`, expected: 'a RangeError', actual: err === undefined ? 'it returned normally' : `it threw ${(err as Error)?.name ?? String(err)}`, hint });
      }
    }
  });
});

/** A rejection of sendPieces() where it should resolve, as a learner-facing failure. */
function sendFailed(err: unknown): never {
  if ((err as { netlings?: unknown })?.netlings) throw err;
  if (err instanceof Error && /^TODO\b/.test(err.message)) todoOrRethrow('sendPieces', lesson.file, err);
  const code = (err as NodeJS.ErrnoException)?.code;
  fail({
    message: `sendPieces() rejected: ${err instanceof Error ? err.message : String(err)}`,
    expected: 'it to resolve with the number of datagrams',
    actual: String(code ?? err),
    hint: code === 'EMSGSIZE' ? 'A datagram was larger than one UDP datagram can be (EMSGSIZE). ' + HINT.pieceSize : code === 'EINVAL' || code === 'EAFNOSUPPORT' ? "Create the socket with dgram.createSocket('udp6') when the host is an IPv6 address (net.isIPv6(host))." : HINT.awaitSends,
  });
}

/** How a learner promise settled; a TODO or a throw of the function itself is reported as such. */
async function settle<T>(promise: Promise<T>, waitingFor: string, hint?: string): Promise<{ n: T } | { err: unknown }> {
  const outcome = await within(
    promise.then(
      (n) => ({ n }),
      (err: unknown) => ({ err }),
    ),
    waitingFor,
    { hint },
  );
  if ('err' in outcome) {
    if ((outcome.err as { netlings?: unknown })?.netlings) throw outcome.err;
    if (outcome.err instanceof Error && /^TODO\b/.test(outcome.err.message)) todoOrRethrow('sendPieces', lesson.file, outcome.err); // an async stub
  }
  return outcome;
}

/** Everything that reaches `inbox` until a marker sent after it: nothing sent earlier is missed. */
async function allReceived(inbox: Inbox): Promise<Buffer[]> {
  const marker = Buffer.from('end!'); // shorter than a piece header: cannot be a piece
  const from = (await udpInbox(inbox.family)) as Inbox;
  await from.send(marker, inbox.port);
  const at = () => inbox.received.findIndex((d) => d.equals(marker));
  while (at() === -1) await inbox.waitForCount(inbox.received.length + 1, 'every datagram your sender sent, then a marker sent after it');
  from.socket.close(); // so that it does not count as a socket left open by learner code
  return inbox.received.slice(0, at());
}

/** Runs sendPieces to a test socket; returns what it resolved with and every datagram it sent. */
async function sendTo(payload: Buffer, mtu: number, family: UdpFamily = 'udp4', host?: string) {
  const inbox = await udpInbox(family);
  if (!inbox) return undefined;
  const sending = lesson.call('sendPieces', payload, inbox.port, host ?? inbox.host, mtu).catch(sendFailed);
  const count = await within(sending, `sendPieces() of ${payload.length} bytes to resolve`, { hint: HINT.awaitSends });
  return { count, datagrams: await allReceived(inbox) };
}

/** Checks the datagrams against the pieces the contract asks for. */
function expectPieces(datagrams: Buffer[], payload: Buffer, maxSize: number, what: string) {
  const size = maxSize - 8;
  const count = Math.max(1, Math.ceil(payload.length / size));
  const sizes = datagrams.map((d) => d.length);
  const tooBig = sizes.find((s) => s > maxSize);
  if (tooBig !== undefined) {
    fail({ message: `${what}: a datagram of ${tooBig} bytes is larger than maxPayload allows`, expected: `at most ${maxSize} bytes each`, actual: `sizes ${sizes.join(', ')}`, hint: tooBig === maxSize + 8 ? 'The 8-byte piece header counts too: each piece carries maxPayload(...) - 8 bytes of data.' : HINT.pieceSize });
  }
  const want = Array.from({ length: count }, (_, i) => 8 + Math.min(size, payload.length - i * size));
  expectEqual(sizes.join(', '), want.join(', '), `${what}: the datagram sizes, in the order they were sent`, HINT.pieceSize);
  for (const [i, d] of datagrams.entries()) {
    const [index, total] = [d.readUInt32BE(0), d.readUInt32BE(4)];
    if (index !== i || total !== count) {
      const le = d.readUInt32LE(0) === i && d.readUInt32LE(4) === count;
      fail({ message: `${what}: datagram ${i + 1} has the wrong header`, expected: `index ${i}, count ${count}`, actual: `index ${index}, count ${total}`, hint: le ? 'The numbers are little-endian: use writeUInt32BE, not writeUInt32LE.' : index === i + 1 ? 'Indexes count from 0.' : HINT.header });
    }
  }
  if (!Buffer.concat(datagrams.map((d) => d.subarray(8))).equals(payload)) fail({ message: `${what}: the pieces' data joined in order is not the payload`, expected: `${payload.length} bytes`, actual: 'other bytes', hint: 'Cut the payload in order: piece i is payload.subarray(i * size, (i + 1) * size).' });
}

describe('Task 2: sendPieces()', () => {
  test('sends full datagrams of maxPayload bytes and a shorter last one, numbered in order [2.2, 2.3]', async () => {
    const payload = bytes(5000);
    const sent = await sendTo(payload, 1500);
    expectPieces(sent!.datagrams, payload, 1472, 'sendPieces() of 5000 bytes with an MTU of 1500');
  });

  test('keeps every datagram within a small MTU of 576 [2.2]', async () => {
    const payload = bytes(3000, 3);
    expectPieces((await sendTo(payload, 576))!.datagrams, payload, 548, 'sendPieces() of 3000 bytes with an MTU of 576');
  });

  test('sends no extra datagram when the payload exactly fills its pieces [2.2]', async () => {
    for (const n of [1464, 1465, 2928]) {
      const payload = bytes(n, n);
      expectPieces((await sendTo(payload, 1500))!.datagrams, payload, 1472, `sendPieces() of ${n} bytes with an MTU of 1500`);
    }
  });

  test('sends an empty payload as one datagram with the header alone [2.2, 2.4]', async () => {
    const sent = (await sendTo(Buffer.alloc(0), 1500))!;
    const hex = sent.datagrams.map((d) => d.toString('hex')).join(' ');
    const hint =
      sent.datagrams.length === 0 ? 'An empty payload is still one piece: index 0, count 1, no data. Math.ceil(0 / size) is 0, so use at least 1.'
      : hex === '0000000001000000' ? 'The numbers are little-endian: use writeUInt32BE, not writeUInt32LE.'
      : HINT.header;
    expectEqual(hex, piece(0, 1).toString('hex'), 'the datagrams sent for an empty payload (hex)', hint);
    expectEqual(String(sent.count), '1', 'the number sendPieces() resolved with', HINT.awaitSends);
  });

  test('uses a udp6 socket and IPv6 sizes for ::1 [2.1, 2.2]', async (ctx) => {
    const payload = bytes(3000, 11);
    const sent = await sendTo(payload, 1280, 'udp6');
    if (!sent) return ctx.skip('::1 is not available on this machine, so the udp6 sender cannot be tried');
    expectPieces(sent.datagrams, payload, 1232, "sendPieces() of 3000 bytes to '::1' with an MTU of 1280");
  });

  test('takes any IPv6 address for one: ::1 written out in full [2.1, 2.2]', async (ctx) => {
    // The same loopback address in another spelling: a sender that only knows the string '::1'
    // picks udp4 here, and a udp4 socket cannot send to an IPv6 address (EINVAL).
    const payload = bytes(1500, 13);
    const sent = await sendTo(payload, 1280, 'udp6', '0:0:0:0:0:0:0:1');
    if (!sent) return ctx.skip('::1 is not available on this machine, so the udp6 sender cannot be tried');
    expectPieces(sent.datagrams, payload, 1232, "sendPieces() of 1500 bytes to '0:0:0:0:0:0:0:1' with an MTU of 1280");
  });

  test("uses the whole of loopback's MTU: 65507-byte datagrams [2.2]", async () => {
    const payload = bytes(100000, 5);
    expectPieces((await sendTo(payload, 65536))!.datagrams, payload, 65507, 'sendPieces() of 100000 bytes with an MTU of 65536');
  });

  test('resolves with the number of datagrams once all are sent, and closes its socket [2.4]', async () => {
    const inbox = (await udpInbox())!;
    const before = udpHandles();
    const sending = lesson.call('sendPieces', bytes(10000), inbox.port, inbox.host, 1500).catch(sendFailed);
    const count = await within(sending, 'sendPieces() of 10000 bytes to resolve', { hint: HINT.awaitSends });
    expectEqual(String(count), '7', 'the number sendPieces() resolved with (10000 bytes in pieces of 1464)', HINT.awaitSends);
    await untilUdpHandles(before, 'your socket to close after sending', 'Close the socket (socket.close()) once every send has completed: an open socket keeps a program from exiting.');
  });

  test('rejects with a RangeError and sends nothing when the MTU is too small [2.5]', async () => {
    for (const [mtu, family] of [[60, 'udp4'], [1000, 'udp6']] as const) {
      const inbox = await udpInbox(family);
      if (!inbox) continue; // no IPv6 here: the udp4 case still runs
      const before = udpHandles();
      const outcome = await settle(lesson.call('sendPieces', bytes(100), inbox.port, inbox.host, mtu), `sendPieces() with an MTU of ${mtu} to settle`).catch((err: { netlings?: { kind: string }; cause?: unknown }) => {
        if (err?.netlings?.kind === 'threw' && err.cause instanceof RangeError) {
          fail({ message: `sendPieces() threw the RangeError instead of returning a rejected promise (MTU ${mtu})`, expected: 'a promise that rejects with the RangeError', actual: `a synchronous throw: ${err.cause.message}`, hint: 'Make sendPieces an async function: a throw inside it becomes a rejection of the promise it returns.' });
        }
        throw err;
      });
      if (!('err' in outcome) || !(outcome.err instanceof RangeError)) {
        fail({ message: `sendPieces() to ${inbox.host} with an MTU of ${mtu} did not reject with a RangeError`, expected: `the RangeError of maxPayload(${mtu}, '${family}')`, actual: 'err' in outcome ? String(outcome.err) : `resolved with ${outcome.n}`, hint: 'Call maxPayload() before anything else and let its RangeError reject the promise (in an async function, a throw is a rejection).' });
      }
      const sent = await allReceived(inbox);
      if (sent.length) fail({ message: `sendPieces() sent ${sent.length} datagram(s) although the MTU was too small`, expected: 'nothing sent', actual: `${sent.length} datagram(s)`, hint: 'Compute the piece size first: when maxPayload throws, return before creating a socket.' });
      await untilUdpHandles(before, 'no socket of yours to stay open after the RangeError', 'Compute the piece size before creating the socket, so nothing is left open when maxPayload throws.');
    }
  });

  test('rejects with the error and closes its socket when a send fails [2.5]', async () => {
    const before = udpHandles();
    // Port 0 cannot be sent to: socket.send() throws ERR_SOCKET_BAD_PORT.
    const outcome = await settle(lesson.call('sendPieces', bytes(100), 0, '127.0.0.1', 1500), 'sendPieces() to port 0 to settle', 'Catch what send() throws (or gives its callback), close the socket and reject with it.');
    if (!('err' in outcome) || !(outcome.err instanceof Error)) fail({ message: 'sendPieces() to port 0 did not reject', expected: 'a rejection with the error of socket.send()', actual: 'err' in outcome ? String(outcome.err) : `resolved with ${outcome.n}`, hint: 'Reject with the error that send() throws or passes to its callback.' });
    await untilUdpHandles(before, 'your socket to close after the failed send', 'When a send fails, close the socket before rejecting (try/finally does both).');
  });

  test("rejects with the error its send's callback gets, and closes its socket [2.5]", async (ctx) => {
    // 127.255.255.255 is loopback's broadcast address: without SO_BROADCAST, the kernel refuses
    // the send and the callback gets EACCES (send() itself does not throw). Nothing leaves the host.
    const BROADCAST = '127.255.255.255';
    const code = await new Promise<string | undefined>((resolve) => {
      const probe = dgram.createSocket('udp4');
      probe.send(Buffer.alloc(1), 9, BROADCAST, (err) => {
        probe.close();
        resolve((err as NodeJS.ErrnoException | null)?.code);
      });
    });
    if (!code) return ctx.skip(`this system lets a send to ${BROADCAST} through: no failing send to check with`);
    const before = udpHandles();
    const outcome = await settle(lesson.call('sendPieces', bytes(100), 9, BROADCAST, 1500), `sendPieces() to ${BROADCAST} to settle`, "Give every send() a callback and reject with the error it gets.");
    if (!('err' in outcome)) {
      fail({ message: `sendPieces() resolved although its send failed with ${code}`, expected: `a rejection with the error of the send (${code})`, actual: `resolved with ${outcome.n}`, hint: "Look at the error the send's callback gets: reject with it instead of counting the datagram as sent." });
    }
    if ((outcome.err as NodeJS.ErrnoException)?.code !== code) {
      fail({ message: 'sendPieces() rejected with another error than the one of its send', expected: `the error the send's callback got (${code})`, actual: outcome.err instanceof Error ? `${(outcome.err as NodeJS.ErrnoException).code ?? ''} ${outcome.err.message}`.trim() : String(outcome.err), hint: "Reject with the error the send's callback gets, as it is." });
    }
    await untilUdpHandles(before, 'your socket to close after the failed send', 'When a send fails, close the socket before rejecting (try/finally does both).');
  });
});

/** The learner's receiver on a socket the check bound, and a socket to send pieces from. */
async function startReceiver() {
  const target = (await udpInbox())!;
  const receiver = await lesson.call('receivePieces', target.socket);
  if (!receiver || !(receiver.done instanceof Promise) || typeof receiver.missing !== 'function') {
    fail({ message: 'receivePieces() must return { done, missing }', expected: '{ done: a Promise, missing: a function }', actual: String(receiver && Object.keys(receiver)), hint: 'Return an object with a `done` promise and a `missing()` function.' });
  }
  let settled: { value: Buffer } | { error: unknown } | undefined;
  receiver.done.then(
    (value) => (settled = { value }),
    (error: unknown) => (settled = { error }),
  );
  const sender = (await udpInbox())!;
  return {
    target,
    receiver,
    settled: () => settled,
    /** Sends each datagram and waits for it to reach the receiver's socket (and its handler). */
    async deliver(...datagrams: Buffer[]) {
      for (const d of datagrams) {
        const n = target.received.length + 1;
        await sender.send(d, target.port);
        await target.waitForCount(n, 'a datagram to reach your socket');
      }
    },
    missing(): string {
      try {
        return JSON.stringify(receiver.missing()) ?? 'undefined';
      } catch (err) {
        return fail({ message: `missing() threw ${(err as Error)?.message ?? String(err)}`, hint: 'missing() must not throw: return undefined before the count is known.' });
      }
    },
    async payload(what: string, hint: string): Promise<Buffer> {
      // No call into learner code in the timeout message: with a count read wrongly (little-endian:
      // 6 becomes 100663296), missing() could run for seconds.
      return within(receiver.done, what, { hint });
    },
  };
}

const split = (payload: Buffer, sizes: number[]) => sizes.map((_, i) => payload.subarray(sizes.slice(0, i).reduce((a, b) => a + b, 0), sizes.slice(0, i + 1).reduce((a, b) => a + b, 0)));

describe('Task 3: receivePieces()', () => {
  test('puts pieces that arrive in order back together, and leaves the socket open [3.1, 3.4]', async () => {
    const r = await startReceiver();
    const payload = bytes(4000, 1);
    const parts = split(payload, [1000, 1000, 1000, 1000]);
    await r.deliver(...parts.map((p, i) => piece(i, 4, p)));
    const got = await r.payload('done to resolve after all 4 pieces arrived in order', HINT.receive);
    if (!got.equals(payload)) fail({ message: 'done resolved with other bytes than were sent', expected: `${payload.length} bytes`, actual: `${got.length} bytes`, hint: HINT.order });
    try {
      r.target.socket.address();
    } catch {
      fail({ message: 'your receiver closed the socket it was given', expected: 'the socket still open: it belongs to the caller', actual: 'closed', hint: 'Do not close the socket: the caller may use it for more. Stop counting instead (ignore later datagrams).' });
    }
  });

  test('puts pieces back in index order when the proxy reverses them; pieces differ in size [3.3, 3.4]', async () => {
    const r = await startReceiver();
    const sizes = [100, 1, 1400, 0, 37, 999];
    const payload = bytes(sizes.reduce((a, b) => a + b), 2);
    const proxy = await udpChaosProxy({ port: r.target.port }, reverse(6), (k) => r.target.waitForCount(k, `datagram ${k} from the proxy to reach your socket`));
    const sender = (await udpInbox())!;
    for (const [i, p] of split(payload, sizes).entries()) await sender.send(piece(i, 6, p), proxy.port);
    await proxy.run('the proxy to receive the 6 pieces');
    const got = await r.payload('done to resolve after all 6 pieces arrived, last one first', HINT.order);
    if (!got.equals(payload)) fail({ message: 'done resolved with the pieces in the wrong place', expected: `${payload.length} bytes, pieces joined by index`, actual: `${got.length} bytes in another order`, hint: HINT.order });
  });

  test('counts a piece delivered twice only once [3.3, 3.5]', async () => {
    const r = await startReceiver();
    const payload = bytes(600, 4);
    const pieces = split(payload, [100, 100, 100, 100, 100, 100]).map((p, i) => piece(i, 6, p));
    const proxy = await udpChaosProxy({ port: r.target.port }, { collect: 6, deliver: [0, 0, 1, 2, 2, 4, 5, 5] }, (k) => r.target.waitForCount(k, `datagram ${k} from the proxy to reach your socket`));
    const sender = (await udpInbox())!;
    for (const p of pieces) await sender.send(p, proxy.port);
    await proxy.run('the proxy to receive the 6 pieces');
    if (r.settled()) fail({ message: 'done settled although piece 3 never arrived', expected: 'done still pending: 8 datagrams, but only 5 different pieces', actual: 'value' in r.settled()! ? 'resolved' : `rejected: ${String((r.settled() as { error: unknown }).error)}`, hint: HINT.duplicates });
    expectEqual(r.missing(), '[3]', 'missing() after pieces 0, 0, 1, 2, 2, 4, 5, 5', HINT.duplicates);
    // A later copy with other data must not replace the first one.
    await r.deliver(piece(1, 6, Buffer.alloc(100, 0x21)), pieces[3]);
    const got = await r.payload('done to resolve once piece 3 arrived', HINT.receive);
    if (!got.equals(payload)) fail({ message: 'done resolved with other bytes than were sent', expected: 'the first copy of each piece', actual: got.subarray(100, 200).equals(Buffer.alloc(100, 0x21)) ? 'a later copy of piece 1 replaced the first' : 'other bytes', hint: 'Keep the first copy of each index and ignore later ones.' });
  });

  test('reports the missing pieces while some are dropped, then completes when they arrive late [3.4, 3.5]', async () => {
    const r = await startReceiver();
    const payload = bytes(8 * 50, 6);
    const pieces = split(payload, Array(8).fill(50)).map((p, i) => piece(i, 8, p));
    const proxy = await udpChaosProxy({ port: r.target.port }, { collect: 8, deliver: [7, 6, 4, 3, 1, 0] }, (k) => r.target.waitForCount(k, `datagram ${k} from the proxy to reach your socket`));
    const sender = (await udpInbox())!;
    for (const p of pieces) await sender.send(p, proxy.port);
    await proxy.run('the proxy to receive the 8 pieces');
    const hint = 'missing() lists every index from 0 to count - 1 that has not arrived, in increasing order.';
    expectEqual(r.missing(), '[2,5]', 'missing() after pieces 7, 6, 4, 3, 1, 0 (2 and 5 dropped)', hint);
    if (r.settled()) fail({ message: 'done settled although pieces 2 and 5 never arrived', expected: 'done still pending', actual: 'settled', hint: HINT.duplicates });
    await r.deliver(pieces[5]);
    expectEqual(r.missing(), '[2]', 'missing() after piece 5 arrived late', hint);
    await r.deliver(pieces[2]);
    const got = await r.payload('done to resolve once the dropped pieces arrived late', HINT.receive);
    if (!got.equals(payload)) fail({ message: 'done resolved with other bytes than were sent', expected: `${payload.length} bytes`, actual: `${got.length} bytes`, hint: HINT.order });
    expectEqual(r.missing(), '[]', 'missing() once complete', 'Once every piece is there, missing() returns an empty array.');
  });

  test('missing() is undefined until a first piece says how many there are [3.2, 3.5]', async () => {
    const r = await startReceiver();
    expectEqual(r.missing(), 'undefined', 'missing() before any datagram', 'Before the first piece, the count is unknown: return undefined, not [].');
    await r.deliver(Buffer.from('hi'), piece(0, 0, 'x'), piece(5, 2, 'y'));
    expectEqual(r.missing(), 'undefined', 'missing() after three datagrams that are not pieces (too short; count 0; index 5 of 2)', 'A datagram you ignore does not tell you the count either: take the count only from a datagram you accept.');
    await r.deliver(piece(2, 4, 'c'));
    expectEqual(r.missing(), '[0,1,3]', 'missing() after piece 2 of 4', 'Once the first piece arrives, every other index up to count - 1 is missing.');
  });

  test('ignores datagrams too short, with count 0, an index beyond the count or another count [3.2]', async () => {
    const r = await startReceiver();
    await r.deliver(piece(1, 3, 'BB'));
    await r.deliver(Buffer.alloc(0), Buffer.from('1234567'), piece(0, 0, 'zz'), piece(3, 3, 'zz'), piece(7, 3, 'zz'), piece(0xffff_ffff, 3, 'zz'), piece(0, 4, 'zz'), piece(2, 2, 'zz'));
    expectEqual(r.missing(), '[0,2]', 'missing() after piece 1 of 3 and eight datagrams to ignore', 'Ignore a datagram shorter than 8 bytes, with count 0, with an index >= its count, or with a count other than the first piece\'s.');
    await r.deliver(piece(0, 3, 'AA'), piece(2, 3, 'CC'));
    const got = await r.payload('done to resolve after pieces 0, 1 and 2 of 3', 'Only the three real pieces count.');
    expectEqual(got.toString('latin1'), 'AABBCC', 'the payload done resolved with', got.toString('latin1').includes('zz') ? 'Read the index with readUInt32BE (unsigned): index 0xffffffff read as a signed number is -1, which looks "below the count".' : 'Ignore every datagram that is not a valid piece of this payload.');
  });

  test('reads index and count as 32-bit big-endian numbers: 300 pieces [3.2, 3.4]', async () => {
    const r = await startReceiver();
    const payload = bytes(900, 9);
    const pieces = split(payload, Array(300).fill(3)).map((p, i) => piece(i, 300, p));
    // Every piece once, in a scrambled order (7 and 300 share no factor).
    await r.deliver(...pieces.map((_, i) => pieces[(i * 7) % 300]));
    const got = await r.payload('done to resolve after all 300 pieces', 'Read both numbers with readUInt32BE: 300 does not fit in one byte.');
    if (!got.equals(payload)) fail({ message: 'done resolved with other bytes than were sent', expected: '900 bytes in index order', actual: `${got.length} bytes`, hint: HINT.order });
  });

  test('completes an empty payload with its one header-only datagram [3.4]', async () => {
    const r = await startReceiver();
    await r.deliver(piece(0, 1));
    const got = await r.payload('done to resolve after the one piece of an empty payload', 'A piece may carry no data: one header-only datagram (index 0, count 1) is a complete, empty payload.');
    expectEqual(`${got.length} ${r.missing()}`, '0 []', 'the payload length and missing()', 'done resolves with an empty Buffer.');
  });

  test('rejects done when the socket closes with pieces missing [3.6]', async () => {
    const r = await startReceiver();
    await r.deliver(piece(0, 3, 'a'), piece(2, 3, 'c'));
    r.target.socket.close();
    const outcome = await within(
      r.receiver.done.then(
        () => 'resolved',
        (err: unknown) => (err instanceof Error ? 'rejected' : `rejected with ${String(err)}`),
      ),
      'done to reject after the socket closed with piece 1 missing',
      { hint: "Listen for the socket's 'close' event and reject done with an Error if pieces are still missing." },
    );
    expectEqual(outcome, 'rejected', 'how done settled', 'Reject with an Error object (new Error(...)), naming what is missing.');
  });

  test('your sendPieces and receivePieces carry 20000 bytes through a proxy that reverses and duplicates [2.3, 3.3]', async () => {
    const r = await startReceiver();
    const payload = bytes(20000, 13);
    const deliver = reverse(14).deliver.flatMap((i) => (i % 3 === 0 ? [i, i] : [i]));
    const proxy = await udpChaosProxy({ port: r.target.port }, { collect: 14, deliver }, (k) => r.target.waitForCount(k, `datagram ${k} from the proxy to reach your socket`));
    const sending = lesson.call('sendPieces', payload, proxy.port, '127.0.0.1', 1500).catch(sendFailed);
    await within(sending, 'sendPieces() of 20000 bytes to resolve', { hint: HINT.awaitSends });
    await proxy.run('the proxy to receive your 14 datagrams', HINT.pieceSize);
    // When the sender's headers are wrong, say so: the receiver cannot be blamed for them.
    const readable = proxy.collected.every((d, i) => d.length >= 8 && d.readUInt32BE(0) === i && d.readUInt32BE(4) === 14);
    const hint = readable ? HINT.order : 'Your sendPieces() did not number the datagrams 0 to 13 of 14 as 32-bit big-endian numbers: see the sendPieces checks above.';
    const got = await r.payload('done to resolve after the proxy delivered the pieces reversed, some twice', hint);
    if (!got.equals(payload)) fail({ message: 'your receiver did not rebuild what your sender sent', expected: `${payload.length} bytes`, actual: `${got.length} bytes`, hint: HINT.order });
  });
});
