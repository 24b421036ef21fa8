// learn lends its warm runner to `verify` in another terminal: a unix socket in `<state>/warm/`
// (warm-socket.js has the protocol). One request per connection: a run of some lessons of the
// folder learn checks; anything else (another folder, a bad signature) is declined and verify
// runs cold. Runs queue behind learn's own checks in the runner.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { findLesson } from '../core/course.js';
import { fits, genuine, mac, readMessages, socketPath, tokenPath, warmDir } from './warm-socket.js';

/** @typedef {import('./warm-runner.js').WarmRunner} WarmRunner */

/**
 * Is something listening on this socket? A file left by a learn that was killed refuses.
 * @param {string} sock
 * @returns {Promise<boolean>}
 */
export function listening(sock) {
  return new Promise((resolve) => {
    const probe = net.connect(sock);
    const done = (/** @type {boolean} */ live) => {
      clearTimeout(timer);
      probe.destroy();
      resolve(live);
    };
    const timer = setTimeout(() => done(true), 1000); // busy, but there: not ours to take over
    probe.on('connect', () => done(true));
    probe.on('error', () => done(false));
  });
}

/**
 * Starts serving; resolves with a closer, or undefined when it cannot or need not serve (another
 * learn already serves this state folder, the path is too long for a socket, a read-only disk).
 * @param {WarmRunner} runner
 * @param {import('../core/course.js').Course} course
 * @returns {Promise<{ close(): void } | undefined>}
 */
export async function serveWarm(runner, course) {
  const dir = warmDir();
  if (!fits(dir)) return undefined;
  const sock = socketPath(dir);
  const token = randomBytes(32).toString('hex');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    if (await listening(sock)) return undefined;
    rmSync(sock, { force: true }); // stale: its learn was killed
    writeFileSync(`${tokenPath(dir)}.tmp`, token, { mode: 0o600 });
    renameSync(`${tokenPath(dir)}.tmp`, tokenPath(dir));
  } catch {
    return undefined;
  }
  const server = net.createServer((conn) => {
    conn.on('error', () => {});
    // A request comes at once; a connection that sends nothing is not kept open.
    conn.setTimeout(5000, () => conn.destroy());
    readMessages(conn, async (msg) => {
      conn.setTimeout(0);
      let request;
      try {
        request = typeof msg?.request === 'string' && genuine(token, 'client', JSON.parse(msg.request).nonce, msg.request, msg.mac) ? JSON.parse(msg.request) : undefined;
      } catch {
        request = undefined;
      }
      if (!request || typeof request.nonce !== 'string') return conn.destroy();
      const answer = (/** @type {object} */ reply) => {
        const json = JSON.stringify(reply);
        if (!conn.destroyed) conn.end(`${JSON.stringify({ reply: json, mac: mac(token, 'server', request.nonce, json) })}\n`);
      };
      const lessons = Array.isArray(request.lessons) ? request.lessons.map((/** @type {unknown} */ id) => findLesson(course, String(id))) : [];
      if (request.exercisesDir !== runner.exercisesDir) return answer({ type: 'decline', reason: `learn checks ${runner.exercisesDir}` });
      if (!lessons.length || lessons.some((/** @type {unknown} */ l) => !l)) return answer({ type: 'decline', reason: 'unknown lessons' });
      try {
        const run = await runner.run({ lessons: /** @type {any[]} */ (lessons), stopOnFailure: Boolean(request.stopOnFailure) });
        answer({ type: 'result', run });
      } catch (err) {
        answer({ type: 'decline', reason: String(/** @type {Error} */ (err)?.message) });
      }
    });
  });
  const ok = await new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(sock, () => resolve(true));
  });
  if (!ok) return undefined;
  try {
    chmodSync(sock, 0o600);
  } catch {
    // The folder is 0700 anyway.
  }
  return {
    close() {
      server.close();
      // Only our own files: another learn may have taken over meanwhile.
      try {
        if (readFileSync(tokenPath(dir), 'utf8') === token) {
          rmSync(tokenPath(dir), { force: true });
          rmSync(sock, { force: true });
        }
      } catch {
        // Gone already.
      }
    },
  };
}
