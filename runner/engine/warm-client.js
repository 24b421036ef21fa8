// `verify` while `learn` runs: the run goes to learn's warm runner over its socket (warm-server.js)
// instead of starting vitest. Resolves undefined whenever that is not possible or not right
// (no learn, a socket left by a learn that was killed, learn checks another folder, files that are
// not ours), and verify runs cold as without learn. NETLINGS_WARM=off never asks.
import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { LESSON_BUDGET_MS } from './limits.js';
import { genuine, mac, readMessages, socketPath, tokenPath, warmDir } from './warm-socket.js';

/** @typedef {import('./run-checks.js').RunResult} RunResult */

/** Ours, and private: a folder or file of another user, or readable by others, is not trusted. */
function privateToUs(/** @type {string} */ file, /** @type {'dir' | 'socket' | 'file'} */ kind) {
  try {
    const s = lstatSync(file);
    const right = kind === 'dir' ? s.isDirectory() : kind === 'socket' ? s.isSocket() : s.isFile();
    return right && (typeof process.getuid !== 'function' || s.uid === process.getuid()) && (kind === 'socket' || (s.mode & 0o077) === 0);
  } catch {
    return false;
  }
}

/**
 * @param {{ lessons: import('../core/course.js').Lesson[], exercisesDir: string, stopOnFailure: boolean }} o
 *   exercisesDir absolute
 * @returns {Promise<RunResult | undefined>}
 */
export function warmRun({ lessons, exercisesDir, stopOnFailure }) {
  if (process.env.NETLINGS_WARM === 'off') return Promise.resolve(undefined);
  const dir = warmDir();
  if (!privateToUs(dir, 'dir') || !privateToUs(socketPath(dir), 'socket') || !privateToUs(tokenPath(dir), 'file')) return Promise.resolve(undefined);
  let token;
  try {
    token = readFileSync(tokenPath(dir), 'utf8');
  } catch {
    return Promise.resolve(undefined);
  }
  const nonce = randomBytes(16).toString('hex');
  const request = JSON.stringify({ nonce, lessons: lessons.map((l) => l.id), exercisesDir, stopOnFailure });
  return new Promise((resolve) => {
    let settled = false;
    const conn = net.connect(socketPath(dir));
    /** @param {RunResult | undefined} run */
    const done = (run) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      conn.destroy();
      resolve(run);
    };
    // learn may be checking a save first; past this, something is wrong with it: run cold.
    const timer = setTimeout(() => done(undefined), LESSON_BUDGET_MS * (lessons.length + 1) + 30_000);
    // The run belongs to learn's test process, which stays; only this request ends.
    const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
      conn.destroy();
      console.error(`\nnetlings: stopped by ${signal === 'SIGINT' ? 'Ctrl+C' : signal}; the checks did not finish, and nothing was recorded.`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    conn.on('error', () => done(undefined)); // ECONNREFUSED: a socket file left behind
    conn.on('close', () => done(undefined));
    conn.on('connect', () => conn.write(`${JSON.stringify({ request, mac: mac(token, 'client', nonce, request) })}\n`));
    readMessages(conn, (msg) => {
      if (typeof msg?.reply !== 'string' || !genuine(token, 'server', nonce, msg.reply, msg.mac)) return done(undefined);
      let reply;
      try {
        reply = JSON.parse(msg.reply);
      } catch {
        return done(undefined);
      }
      done(reply?.type === 'result' && Array.isArray(reply.run?.lessons) ? { ...reply.run, warm: true } : undefined);
    });
  });
}
