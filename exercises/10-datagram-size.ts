// Lesson 10 · What fits in one datagram: UDP payload limits and the MTU
// Read the explainer first: `npm run learn` (or lessons/10-datagram-size.md).
// Check your work with `npm run verify 10`. Stuck? `npm run hint 10`.
import dgram from 'node:dgram';

export type Family = 'udp4' | 'udp6';

/**
 * Task 1 — the largest UDP payload that travels without being fragmented.
 *
 * 1.1 Return the largest UDP payload, in bytes, that fits in one IP packet of `mtu` bytes:
 *     the MTU minus the IP header (20 bytes for 'udp4', 40 for 'udp6') minus the UDP header
 *     (8 bytes). maxPayload(1500, 'udp4') is 1472; maxPayload(1500, 'udp6') is 1452.
 * 1.2 Never return more than one UDP datagram can carry at all: 65507 bytes on 'udp4'
 *     (65535 − 20 − 8), 65527 on 'udp6' (65535 − 8). So loopback's MTU of 65536 gives 65507
 *     on 'udp4'.
 * 1.3 Throw a RangeError when `mtu` is not an integer, or is smaller than the smallest MTU the
 *     family allows (68 for IPv4, 1280 for IPv6), or `family` is neither 'udp4' nor 'udp6'.
 */
export function maxPayload(mtu: number, family: Family): number {
  // TODO: subtract the headers, apply the cap, and check the arguments.
  throw new Error('TODO: implement maxPayload() in exercises/10-datagram-size.ts');
}

/*
 * The datagrams of tasks 2 and 3: an 8-byte header, then this piece's data.
 *
 *   bytes 0-3   the piece's index, counting from 0         (unsigned 32-bit, big-endian)
 *   bytes 4-7   how many pieces the payload has in all     (unsigned 32-bit, big-endian)
 *   bytes 8-    the piece's data
 *
 * buf.writeUInt32BE(value, offset) and buf.readUInt32BE(offset) read and write such numbers.
 */

/**
 * Task 2 — a sender that splits a payload into numbered datagrams.
 *
 * 2.1 Create a UDP socket of the family that fits `host` ('udp6' for an IPv6 address such as
 *     '::1', 'udp4' otherwise) and send every datagram to `host`:`port`.
 * 2.2 No datagram may be larger than maxPayload(mtu, family). Every datagram except the last
 *     carries exactly maxPayload(mtu, family) − 8 bytes of data and the last one the rest, so
 *     that there are as few datagrams as possible. An empty payload is one datagram: the header
 *     alone (index 0, count 1).
 * 2.3 Send the pieces in order, 0, 1, 2, …, each exactly once.
 * 2.4 Once every send has completed (its callback has run), close the socket and resolve with
 *     the number of datagrams sent.
 * 2.5 When maxPayload throws, reject with its RangeError: send nothing and leave no socket open.
 *     When a send fails (its callback gets an error, or send() throws), close the socket and
 *     reject with that error.
 */
export async function sendPieces(payload: Buffer, port: number, host: string, mtu: number): Promise<number> {
  // TODO: compute the piece size, create the socket, send each piece with its header, close.
  throw new Error('TODO: implement sendPieces() in exercises/10-datagram-size.ts');
}

export interface PieceReceiver {
  /** Resolves with the whole payload once every piece has arrived. */
  done: Promise<Buffer>;
  /** The indexes of the pieces that have not arrived yet. */
  missing(): number[] | undefined;
}

/**
 * Task 3 — a receiver that puts the pieces back together, whatever the network did to them.
 *
 * 3.1 `socket` is bound already and belongs to the caller: listen for its 'message' events,
 *     and never bind, connect or close it.
 * 3.2 Ignore (do not count, do not crash on) a datagram that is shorter than 8 bytes, whose
 *     count is 0, whose index is not below its count, or whose count differs from the count of
 *     the first datagram you accepted.
 * 3.3 Datagrams arrive in any order, and some more than once: keep the first copy of each index
 *     and ignore later copies.
 * 3.4 `done` resolves with the payload as soon as every index from 0 to count − 1 has arrived:
 *     the pieces' data joined in index order. Pieces may differ in size.
 * 3.5 `missing()` returns the indexes that have not arrived yet, in increasing order: undefined
 *     before the first accepted datagram (the count is not known yet), [] once complete. It
 *     reflects every datagram the socket has delivered (the checks give your 'message' handler
 *     one event-loop turn to run).
 * 3.6 If the socket closes before every piece has arrived, `done` rejects with an Error.
 */
export function receivePieces(socket: dgram.Socket): PieceReceiver {
  // TODO: listen for 'message', read each header, keep the pieces, resolve when complete.
  throw new Error('TODO: implement receivePieces() in exercises/10-datagram-size.ts');
}
