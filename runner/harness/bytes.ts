// Binary payloads as a learner should see them: text when it is text, hex bytes when it is not,
// and for long payloads the size and the first place two payloads differ.
import { show } from './failure.ts';

const HEAD_BYTES = 16;

/** Does this decode as UTF-8 without loss, and is it printable apart from whitespace? */
function isText(data: Buffer): boolean {
  const text = data.toString('utf8');
  // eslint-disable-next-line no-control-regex
  return Buffer.from(text, 'utf8').equals(data) && !/[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/.test(text);
}

const hex = (data: Buffer) => [...data].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/**
 * A datagram's payload for a message: `"hello"`, `3 bytes: 00 ff 80`, or for long payloads
 * `65,507 bytes: 00 01 02 … (first 16)`.
 */
export function showBytes(data: Buffer): string {
  if (data.length === 0) return 'an empty datagram (0 bytes)';
  const size = `${data.length.toLocaleString('en')} byte${data.length === 1 ? '' : 's'}`;
  if (isText(data)) return data.length > 72 ? show(data.toString('utf8')) : `${show(data.toString('utf8'))} (${size})`;
  const head = hex(data.subarray(0, HEAD_BYTES));
  return data.length > HEAD_BYTES ? `${size}: ${head} …` : `${size}: ${head}`;
}

/** Where two payloads first differ, in words; undefined when they are equal. */
export function byteDifference(expected: Buffer, actual: Buffer): string | undefined {
  if (expected.equals(actual)) return undefined;
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const at = i.toLocaleString('en');
  if (i === actual.length) return `it stops after ${at} of the ${expected.length.toLocaleString('en')} bytes`;
  if (i === expected.length) return `it has ${(actual.length - i).toLocaleString('en')} more bytes after all the expected ones`;
  const near = (data: Buffer) => hex(data.subarray(i, i + 4));
  return `they differ at byte ${at}: expected ${near(expected)}, got ${near(actual)}`;
}
