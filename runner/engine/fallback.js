// The fallback guard (see launch.js): a supervisor between the CLI and the test process, the run
// marked in the environment, leftovers swept by that mark.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { newKey, verifier } from './channel.js';
import { RUN_ID_VAR, markedProcesses, stopProcesses } from './sweep.js';
import { CHILD, SUPERVISOR, testEnv } from './test-env.js';

/** @typedef {import('./launch.js').LaunchOptions} LaunchOptions */
/** @typedef {import('./launch.js').TestProcess} TestProcess */

/**
 * @param {LaunchOptions} o
 * @param {string} runId
 * @param {string} why
 * @returns {TestProcess}
 */
export function startFallback(o, runId, why) {
  // Without a sandbox the cache could be written to: the run gets a private copy of it.
  const cacheCopy = o.moduleCache && !o.writableDir ? copyCache(o.moduleCache) : undefined;
  const job = { ...o.job, guard: 'fallback', runId, moduleCacheDir: o.writableDir ?? cacheCopy };
  /** @type {number | undefined} */
  let testPid;
  /** @type {number[]} */
  const spawned = [];
  const child = spawn(process.execPath, [SUPERVISOR, CHILD, JSON.stringify(job)], {
    cwd: ROOT,
    detached: true, // the supervisor leads the group the test process joins
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: testEnv({ [RUN_ID_VAR]: runId }),
  });
  const key = newKey();
  const verify = verifier(key);
  child.send({ type: 'key', key }); // relayed to the test process
  child.stdout?.on('data', (d) => o.onOutput(String(d)));
  child.stderr?.on('data', (d) => o.onOutput(String(d)));
  child.on('message', (/** @type {any} */ raw) => {
    // The supervisor's own messages are plain; the test process's come wrapped, and signed.
    const msg = raw && typeof raw === 'object' && 'relay' in raw ? verify(raw.relay) ?? { type: 'forged' } : raw;
    if (msg?.type === 'hello') testPid = msg.pid;
    if (msg?.type === 'watch' && msg.kind === 'spawned' && Number.isInteger(msg.pid)) spawned.push(msg.pid);
    o.onMessage(msg);
  });
  child.on('exit', (code, signal) => o.onExit(code, signal));
  const exclude = () => [child.pid ?? 0, testPid ?? 0];
  /** @type {TestProcess} */
  const handle = {
    guard: 'fallback',
    why,
    child,
    testPid: () => testPid,
    leftovers: () => markedProcesses(runId, { exclude: exclude(), roots: spawned }),
    kill() {
      const left = handle.leftovers();
      for (const pid of [child.pid, testPid]) {
        try {
          if (pid) process.kill(-pid, 'SIGKILL');
        } catch {
          // Not a group leader, or gone.
        }
        try {
          if (pid) process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      stopProcesses(left);
      // A process may have forked while we looked: look once more.
      stopProcesses(markedProcesses(runId, { exclude: exclude(), roots: spawned }));
      if (child.connected) child.disconnect(); // nothing more is read from it
      if (cacheCopy) rmSync(cacheCopy, { recursive: true, force: true });
      return left;
    },
  };
  o.onStart(handle);
  return handle;
}

/**
 * A private, writable copy of the warm module cache, for a run without a sandbox.
 * @param {{ dir: string, entries: string[] }} cache
 */
function copyCache(cache) {
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'netlings-modules-'));
    for (const name of cache.entries) copyFileSync(path.join(cache.dir, name), path.join(dir, name));
    return dir;
  } catch {
    return undefined; // a cold run is only slower
  }
}
