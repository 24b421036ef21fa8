// Starts the test process (vitest-child.js) behind a guard, so that learner code can neither
// outlive the run nor reach the process that reports:
//
//   sandbox   Linux with bubblewrap: the test process runs in its own PID namespace (every
//             process it starts dies with it, detached or not; its parent is the namespace's
//             init, which ignores signals from inside) and network namespace (loopback only),
//             with the whole filesystem read-only except a private /tmp.
//   fallback  elsewhere, or when bubblewrap is missing or cannot create namespaces (containers
//             without user namespaces): a small supervisor (supervisor.js) sits between the CLI
//             and the test process, the run is marked in the environment, and leftovers are
//             swept after every lesson and at the end. Project files are checked for changes.
//
// NETLINGS_GUARD=sandbox refuses to run without the sandbox; NETLINGS_GUARD=fallback skips it.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../core/course.js';
import { newKey, verifier } from './channel.js';
import { RUN_ID_VAR, commandOf, descendants, innerPid, isAlive, markedProcesses, stopProcesses } from './sweep.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CHILD = path.join(HERE, 'vitest-child.js');
const SUPERVISOR = path.join(HERE, 'supervisor.js');
/** Where vitest keeps module transforms inside the sandbox (its private /tmp). */
const SANDBOX_CACHE = '/tmp/netlings-module-cache';

export const GUARDS = {
  sandbox: 'sandbox (bubblewrap: own PID and network namespaces, project read-only)',
  fallback: 'fallback (supervisor process, leftover processes swept by run id, project checked for changes)',
};

/** @typedef {import('./sweep.js').ProcessInfo} ProcessInfo */

/** NETLINGS_GUARD=sandbox, and the sandbox cannot run here: a set-up problem, not the learner's. */
export class GuardError extends Error {
  name = 'GuardError';
}

/**
 * @typedef {object} TestProcess
 * @property {'sandbox' | 'fallback'} guard
 * @property {string} why            why this guard (for --verbose), e.g. the error bubblewrap gave
 * @property {import('node:child_process').ChildProcess} child   bwrap or the supervisor
 * @property {() => number | undefined} testPid   host pid of the test process, once known
 * @property {() => ProcessInfo[]} leftovers       learner processes still running (before kill)
 * @property {() => ProcessInfo[]} kill            ends everything; returns what it had to stop
 */

/**
 * @typedef {object} LaunchOptions
 * @property {object} job                  for vitest-child.js
 * @property {string} exercisesDir         absolute
 * @property {{ dir: string, entries: string[] } | undefined} moduleCache  warm transforms, bound read-only
 * @property {string} [writableDir]        a host folder the test process may write (cache warm-up)
 * @property {(handle: TestProcess) => void} onStart   called once it runs, before its first message
 * @property {(msg: any) => void} onMessage   genuine messages only; { type: 'forged' } for anything else
 * @property {(code: number | null, signal: NodeJS.Signals | null) => void} onExit
 * @property {(text: string) => void} onOutput   the test process's stdout/stderr
 */

/** Only what the test process needs from the environment: no tokens or secrets for learner code. */
function testEnv(/** @type {Record<string, string>} */ extra) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_\w+|TZ|TERM|CI|TMPDIR|TEMP|TMP|SystemRoot|NETLINGS_\w+)$/.test(k)) env[k] = v;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

const real = (/** @type {string} */ p) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * The bwrap command line. Everything is read-only (`--ro-bind / /`), then private /tmp, /run
 * (hides sockets of system daemons, e.g. Docker's) and /dev; the project, node_modules and the
 * learner's folder are bound again on top so they stay visible wherever they live.
 * @param {LaunchOptions} o
 * @param {string} jobJson
 */
export function sandboxArgs(o, jobJson) {
  const args = ['--die-with-parent', '--new-session', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--cap-drop', 'ALL'];
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/run');
  const seen = new Set(['/']);
  for (const p of [ROOT, real(ROOT), real(path.join(ROOT, 'node_modules')), o.exercisesDir, real(o.exercisesDir), path.dirname(process.execPath)]) {
    if (!seen.has(p)) args.push('--ro-bind', p, p);
    seen.add(p);
  }
  if (o.moduleCache) {
    for (const name of o.moduleCache.entries) args.push('--ro-bind', path.join(o.moduleCache.dir, name), path.join(SANDBOX_CACHE, name));
  }
  if (o.writableDir) args.push('--bind', o.writableDir, o.writableDir);
  args.push('--chdir', ROOT, '--setenv', 'TMPDIR', '/tmp', '--', process.execPath, CHILD, jobJson);
  return args;
}

/** The last line bwrap wrote before giving up, e.g. "bwrap: No permissions to creating new namespace". */
const bwrapError = (/** @type {string} */ text) => text.split('\n').find((l) => l.startsWith('bwrap:'));

/**
 * Starts the test process behind the best guard available. Resolves once it runs.
 * @param {LaunchOptions} o
 * @returns {Promise<TestProcess>}
 */
export async function launch(o) {
  const wanted = process.env.NETLINGS_GUARD ?? 'auto';
  const runId = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  if (wanted !== 'fallback' && process.platform === 'linux') {
    const started = await trySandbox(o, runId);
    if ('handle' in started) return started.handle;
    if (wanted === 'sandbox') throw new GuardError(`NETLINGS_GUARD=sandbox, but the sandbox could not start: ${started.why}`);
    return startFallback(o, runId, started.why);
  }
  if (wanted === 'sandbox') throw new GuardError('NETLINGS_GUARD=sandbox, but the sandbox (bubblewrap) needs Linux');
  return startFallback(o, runId, process.platform === 'linux' ? 'NETLINGS_GUARD=fallback' : `no sandbox on ${process.platform}`);
}

/**
 * @param {LaunchOptions} o
 * @param {string} runId
 * @returns {Promise<{ handle: TestProcess } | { why: string }>}
 */
function trySandbox(o, runId) {
  const cacheDir = o.moduleCache ? SANDBOX_CACHE : undefined;
  const job = { ...o.job, guard: 'sandbox', runId, moduleCacheDir: o.writableDir ?? cacheDir };
  return new Promise((resolve) => {
    let early = '';
    let running = false;
    /** @type {number | undefined} */
    let testPid;
    const child = spawn('bwrap', sandboxArgs(o, JSON.stringify(job)), {
      cwd: ROOT,
      detached: true, // bwrap leads its own group: one kill ends it, and --die-with-parent the rest
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: testEnv({ [RUN_ID_VAR]: runId }),
    });
    const key = newKey();
    const verify = verifier(key);
    child.send({ type: 'key', key });
    const output = (/** @type {Buffer} */ d) => (running ? o.onOutput(String(d)) : (early += d));
    child.stdout?.on('data', output);
    child.stderr?.on('data', output);
    child.on('error', (err) => {
      // A failed send to a sandbox that could not start is followed by its exit, which says more.
      if (!running && /** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT') resolve({ why: 'bubblewrap is not available (bwrap is not installed)' });
    });
    child.on('message', (/** @type {any} */ packet) => {
      const msg = verify(packet) ?? { type: 'forged' };
      if (!running && msg?.type === 'hello') {
        running = true;
        handle.testPid(); // while it surely runs: later, an orphan could be taken for it
        o.onStart(handle);
        if (early) o.onOutput(early);
        resolve({ handle });
      }
      if (running) o.onMessage(msg);
    });
    child.on('exit', (code, signal) => {
      if (running) return o.onExit(code, signal);
      resolve({ why: `bubblewrap could not start the sandbox (${bwrapError(early) ?? `exit code ${code ?? signal}`})` });
    });

    /** The namespace's init (pid 1 inside) is bwrap's child; the test process is pid 2 inside. */
    const sandboxInit = () => (child.pid ? descendants(child.pid)[0] : undefined);
    /** @type {TestProcess} */
    const handle = {
      guard: 'sandbox',
      why: 'bubblewrap works here',
      child,
      testPid: () => {
        if (testPid === undefined && child.pid) testPid = descendants(child.pid).find((pid) => innerPid(pid) === 2);
        return testPid;
      },
      leftovers() {
        const init = sandboxInit();
        const test = handle.testPid();
        if (!child.pid || init === undefined) return [];
        return descendants(child.pid)
          .filter((pid) => pid !== init && pid !== test && isAlive(pid))
          .map((pid) => ({ pid, command: commandOf(pid) }));
      },
      kill() {
        const left = handle.leftovers();
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL'); // the namespace dies with its init
        } catch {
          // Gone already.
        }
        if (child.connected) child.disconnect(); // nothing more is read from it
        return left;
      },
    };
  });
}

/**
 * @param {LaunchOptions} o
 * @param {string} runId
 * @param {string} why
 * @returns {TestProcess}
 */
function startFallback(o, runId, why) {
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
