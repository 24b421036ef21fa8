// Reference solution for lesson 10. One correct way among many: the checks accept any
// implementation with the same behaviour.
import dgram from 'node:dgram';
import net from 'node:net';

export type Family = 'udp4' | 'udp6';

const UDP_HEADER = 8;
const PIECE_HEADER = 8;

export function maxPayload(mtu: number, family: Family): number {
  // IPv4: 20-byte header, MTU at least 68, and a 16-bit total length that counts the IP header.
  // IPv6: 40-byte header, MTU at least 1280, and a 16-bit payload length that does not.
  const limits = { udp4: { ip: 20, minMtu: 68, max: 65535 - 20 - UDP_HEADER }, udp6: { ip: 40, minMtu: 1280, max: 65535 - UDP_HEADER } };
  if (family !== 'udp4' && family !== 'udp6') throw new RangeError(`family must be 'udp4' or 'udp6', not ${String(family)}`);
  const { ip, minMtu, max } = limits[family];
  if (!Number.isInteger(mtu) || mtu < minMtu) throw new RangeError(`an ${family} MTU must be an integer of at least ${minMtu}, not ${mtu}`);
  return Math.min(mtu - ip - UDP_HEADER, max);
}

/** One datagram: index and count as 32-bit big-endian numbers, then the data. */
function datagram(index: number, count: number, data: Buffer): Buffer {
  const header = Buffer.alloc(PIECE_HEADER);
  header.writeUInt32BE(index, 0);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, data]);
}

export async function sendPieces(payload: Buffer, port: number, host: string, mtu: number): Promise<number> {
  const family: Family = net.isIPv6(host) ? 'udp6' : 'udp4';
  const size = maxPayload(mtu, family) - PIECE_HEADER; // throws before anything is sent
  const count = Math.max(1, Math.ceil(payload.length / size));
  const socket = dgram.createSocket(family);
  try {
    for (let index = 0; index < count; index++) {
      const data = payload.subarray(index * size, (index + 1) * size);
      await new Promise<void>((resolve, reject) => socket.send(datagram(index, count, data), port, host, (err) => (err ? reject(err) : resolve())));
    }
    return count;
  } finally {
    socket.close();
  }
}

export interface PieceReceiver {
  done: Promise<Buffer>;
  missing(): number[] | undefined;
}

export function receivePieces(socket: dgram.Socket): PieceReceiver {
  let count: number | undefined;
  const pieces = new Map<number, Buffer>();
  let resolve!: (payload: Buffer) => void;
  let reject!: (err: Error) => void;
  const done = new Promise<Buffer>((res, rej) => {
    resolve = res;
    reject = rej;
  });

  const missing = (): number[] | undefined => {
    if (count === undefined) return undefined;
    const gaps: number[] = [];
    for (let i = 0; i < count; i++) if (!pieces.has(i)) gaps.push(i);
    return gaps;
  };

  socket.on('message', (msg: Buffer) => {
    if (msg.length < PIECE_HEADER) return;
    const index = msg.readUInt32BE(0);
    const total = msg.readUInt32BE(4);
    // A count of 0 fails `index >= total` too: no index is below 0.
    if (index >= total || (count !== undefined && total !== count)) return;
    count = total;
    if (pieces.has(index)) return; // a duplicate: the first copy wins
    pieces.set(index, Buffer.from(msg.subarray(PIECE_HEADER)));
    if (pieces.size === count) {
      resolve(Buffer.concat(Array.from({ length: count }, (_, i) => pieces.get(i) as Buffer)));
    }
  });
  // Once done has resolved, rejecting it does nothing: no need to check.
  socket.on('close', () => reject(new Error('the socket closed before every piece arrived')));
  return { done, missing };
}
