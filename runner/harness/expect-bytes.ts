// Reading raw bytes, not text: for protocols that must pass any byte through unchanged (an echo
// server). Bytes that are not valid UTF-8 show what a string-based check would hide.
import { fail } from './failure.ts';
import type { Peer } from './peer.ts';
import { STEP_DEADLINE_MS, until } from './wait.ts';

const hex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * Waits for the other side to end the connection and checks that everything `peer` received,
 * from its first byte, is exactly `expected`. Fails as soon as a byte differs or more arrives.
 * For a connection where nothing was read with `expectNext` yet.
 */
export async function expectAllBytesThenEnd(peer: Peer, expected: Buffer, what: string, hint: string): Promise<void> {
  const verdict = await until(
    (notify) => {
      peer.on('change', notify);
      return () => peer.off('change', notify);
    },
    () => {
      const have = peer.unread;
      const n = Math.min(have.length, expected.length);
      if (!have.subarray(0, n).equals(expected.subarray(0, n)) || have.length > expected.length) return 'differs' as const;
      if (!(peer.ended || peer.closed || peer.error)) return undefined;
      return have.length === expected.length ? ('ok' as const) : ('short' as const);
    },
    what,
    // Up to megabytes: never the shorter deadline that follows a time-out elsewhere in the file.
    { hint, ms: STEP_DEADLINE_MS, detail: () => `received ${peer.unread.length.toLocaleString('en')} of ${expected.length.toLocaleString('en')} bytes, and the connection is still open` },
  );
  if (verdict === 'ok') return;
  const have = peer.unread;
  if (verdict === 'short') {
    fail({ message: `${peer.other} ended the connection before sending all of ${what}`, expected: `${expected.length.toLocaleString('en')} bytes`, actual: `${have.length.toLocaleString('en')} bytes, then the end of the connection`, hint });
  }
  if (have.length > expected.length && have.subarray(0, expected.length).equals(expected)) {
    fail({ message: `${peer.other} sent more than ${what}`, expected: `${expected.length.toLocaleString('en')} bytes`, actual: `${have.length.toLocaleString('en')} bytes so far`, hint });
  }
  let i = 0;
  while (have[i] === expected[i]) i++;
  const from = Math.max(0, i - 4);
  fail({
    message: `${what} differs from what was sent, at byte ${i.toLocaleString('en')}`,
    expected: `bytes ${hex(expected.subarray(from, i + 8))} …`,
    actual: `bytes ${hex(have.subarray(from, i + 8))} …`,
    hint,
  });
}
