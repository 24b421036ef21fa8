// The report channel between the test process and the CLI, signed. Learner code runs in the
// test process and can write to any of its file descriptors, including the IPC one: unsigned,
// it could end a run with garbage or forge "all checks passed". So the CLI hands the test
// process a fresh key as its very first message (before vitest, let alone learner code, runs),
// and every message back carries a sequence number and an HMAC over it. Learner code never sees
// the key (it is not in argv, env or any file), nor the signed messages (they go the other way).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const newKey = () => randomBytes(32).toString('hex');

/**
 * @param {string} key
 * @returns {(message: object) => { n: number, json: string, sig: string }}
 */
export function signer(key) {
  let n = 0;
  return (message) => {
    const json = JSON.stringify(message);
    const seq = n++;
    return { n: seq, json, sig: createHmac('sha256', key).update(`${seq}\n${json}`).digest('hex') };
  };
}

/**
 * @param {string} key
 * @returns {(packet: any) => any}  the message, or undefined when the packet is not genuine
 */
export function verifier(key) {
  let n = 0;
  return (packet) => {
    if (!packet || typeof packet.json !== 'string' || typeof packet.sig !== 'string' || packet.n !== n) return undefined;
    const expected = createHmac('sha256', key).update(`${n}\n${packet.json}`).digest();
    const got = Buffer.from(packet.sig, 'hex');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
    n++;
    try {
      return JSON.parse(packet.json);
    } catch {
      return undefined;
    }
  };
}

/** Is this error node's IPC parser choking on bytes that are not a JSON message? */
export const isGarbledChannel = (/** @type {unknown} */ err) => err instanceof SyntaxError && /parseChannelMessages/.test(String(err.stack));
