// What learn's warm runner and `verify` in another terminal agree on: where the socket is, the
// shared secret, and how a message is signed. Server: warm-server.js; client: warm-client.js.
//
// The folder `<state>/warm/` (mode 0700) holds the socket and a token (mode 0600) made fresh by
// each learn. Every request carries a fresh nonce and an HMAC with the token; every answer an
// HMAC over that nonce, so an answer can be neither forged without the token nor replayed.
// Learner code cannot reach either: the sandbox mounts an empty folder over `<state>/warm`
// (sandbox.js), and the rest of the project is read-only there, so it cannot put a socket of
// its own in place. (Under the fallback guard, see docs/ARCHITECTURE.md.)
import { createHmac, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { ROOT } from '../core/course.js';

/** unix socket paths longer than this do not fit in sockaddr_un (108 bytes on Linux, 104 on macOS). */
const MAX_SOCKET_PATH = 100;

/** The folder for learn's socket, for the state folder in use (NETLINGS_STATE_DIR moves it). */
export function warmDir() {
  const state = process.env.NETLINGS_STATE_DIR ? path.resolve(process.env.NETLINGS_STATE_DIR) : path.join(ROOT, '.netlings');
  return path.join(state, 'warm');
}

/** @param {string} dir */
export const socketPath = (dir) => path.join(dir, 'runner.sock');
/** @param {string} dir */
export const tokenPath = (dir) => path.join(dir, 'token');
/** @param {string} dir */
export const fits = (dir) => Buffer.byteLength(socketPath(dir)) <= MAX_SOCKET_PATH;

/**
 * @param {string} token
 * @param {'client' | 'server'} from
 * @param {string} nonce
 * @param {string} json
 */
export function mac(token, from, nonce, json) {
  return createHmac('sha256', token).update(`${from}\n${nonce}\n${json}`).digest('hex');
}

/**
 * @param {string} token @param {'client' | 'server'} from @param {string} nonce @param {string} json
 * @param {unknown} sig
 */
export function genuine(token, from, nonce, json, sig) {
  if (typeof sig !== 'string') return false;
  const want = Buffer.from(mac(token, from, nonce, json), 'hex');
  const got = Buffer.from(sig, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Calls back with each newline-terminated JSON message on a stream (at most `max` bytes each).
 * @param {import('node:net').Socket} socket
 * @param {(msg: any) => void} onMessage
 * @param {number} [max]
 */
export function readMessages(socket, onMessage, max = 64 * 2 ** 20) {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (/** @type {string} */ chunk) => {
    buffered += chunk;
    if (buffered.length > max) return socket.destroy();
    let at;
    while ((at = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        return socket.destroy();
      }
      onMessage(msg);
    }
  });
}
