// The sandbox guard (see launch.js): the test process under bubblewrap, in its own PID and
// network namespaces, with the filesystem read-only but for a private /tmp, and the folders in
// NETLINGS_SANDBOX_HIDE not even readable.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { newKey, verifier } from './channel.js';
import { RUN_ID_VAR, commandOf, descendants, innerPid, isAlive } from './sweep.js';
import { CHILD, childEnv, childFlags, testEnv } from './test-env.js';
import { warmDir } from './warm-socket.js';

/** @typedef {import('./launch.js').LaunchOptions} LaunchOptions */
/** @typedef {import('./launch.js').TestProcess} TestProcess */

/** Where vitest keeps module transforms inside the sandbox (its private /tmp). */
const SANDBOX_CACHE = '/tmp/netlings-module-cache';

const real = (/** @type {string} */ p) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** Folders every sandbox needs to see (or that hold what it needs): never hidden. */
const SYSTEM = ['/usr', '/lib', '/lib64', '/bin', '/sbin', '/etc', '/proc', '/dev', '/sys'];

/**
 * Folders learner code must not even read, from NETLINGS_SANDBOX_HIDE (paths joined by the path
 * delimiter): batch grading hides the other submissions, which a submission could otherwise
 * import and pass as its own. A folder that holds the system or node itself is not hidden.
 */
export function hiddenDirs() {
  const inside = (/** @type {string} */ dir, /** @type {string} */ p) => p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  return (process.env.NETLINGS_SANDBOX_HIDE ?? '')
    .split(path.delimiter)
    .filter((p) => path.isAbsolute(p) && p !== path.parse(p).root)
    .map((p) => real(path.resolve(p)))
    .filter((p) => ![...SYSTEM, path.dirname(process.execPath)].some((needed) => inside(p, needed)));
}

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
  // Hidden under an empty tmpfs; the binds below bring back what the run needs, even from inside.
  for (const p of hiddenDirs()) args.push('--tmpfs', p);
  const seen = new Set(['/']);
  for (const p of [ROOT, real(ROOT), real(path.join(ROOT, 'node_modules')), o.exercisesDir, real(o.exercisesDir), path.dirname(process.execPath)]) {
    if (!seen.has(p)) args.push('--ro-bind', p, p);
    seen.add(p);
  }
  if (o.moduleCache) {
    for (const name of o.moduleCache.entries) args.push('--ro-bind', path.join(o.moduleCache.dir, name), path.join(SANDBOX_CACHE, name));
  }
  // learn's socket and its token (warm-socket.js): learner code must not reach them.
  const warm = warmDir();
  if (existsSync(warm)) args.push('--tmpfs', warm);
  if (o.writableDir) args.push('--bind', o.writableDir, o.writableDir);
  for (const [name, value] of Object.entries(childEnv(o.job?.mode))) args.push('--setenv', name, value);
  args.push('--chdir', ROOT, '--setenv', 'TMPDIR', '/tmp', '--', process.execPath, ...childFlags(o.job?.mode), CHILD, jobJson);
  return args;
}

/** The last line bwrap wrote before giving up, e.g. "bwrap: No permissions to creating new namespace". */
const bwrapError = (/** @type {string} */ text) => text.split('\n').find((l) => l.startsWith('bwrap:'));

/**
 * @param {LaunchOptions} o
 * @param {string} runId
 * @returns {Promise<{ handle: TestProcess } | { why: string }>}
 */
export function trySandbox(o, runId) {
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

