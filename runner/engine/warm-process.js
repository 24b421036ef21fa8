// A test process (vitest-child.js in mode 'serve') started once behind its guard and kept
// running between runs, so that a run skips vitest's start-up. test-session.js attaches to it
// for one run at a time, exactly as it watches a cold process; between runs nobody listens but
// this module, which notices when the process dies (the next run then gets a new one).
import { launch } from './launch.js';

/** @typedef {import('./launch.js').TestProcess} TestProcess */

/** Messages after which test-session.js stops a run: between runs, they end the process. */
const STOPS = new Set(['forged', 'garbled', 'oom', 'worker-error', 'signalled', 'test-exit']);
/** @typedef {import('./sweep.js').ProcessInfo} ProcessInfo */

/**
 * @typedef {object} Listener   what a run (test-session.js) hears while attached
 * @property {(msg: any) => void} onMessage
 * @property {(code: number | null, signal: NodeJS.Signals | null) => void} onExit
 * @property {(text: string) => void} onOutput
 * @property {(err: Error) => void} onFail   the guard could not start it (launch.js threw)
 */

/**
 * @typedef {object} WarmProcess
 * @property {string} exercisesDir   the learner folder it was started for (bound into the sandbox)
 * @property {string | undefined} cacheDir   the module cache it was started with
 * @property {() => boolean} alive
 * @property {() => boolean} ready    vitest has started: a run can be sent at once
 * @property {() => TestProcess | undefined} handle
 * @property {(listener: Listener) => void} attach   one listener at a time
 * @property {() => void} detach
 * @property {(msg: object) => void} send
 * @property {() => ProcessInfo[]} kill    ends it for good; returns what it had to stop
 * @property {() => number} runs     how many runs it has served
 * @property {() => number} rss      its resident memory at the last pulse, bytes
 */

/**
 * Starts the process; it becomes ready in the background (about a second).
 * @param {{ exercisesDir: string, moduleCache: { dir: string, entries: string[] } | undefined, onDeath?: (wasReady: boolean) => void }} o
 * @returns {WarmProcess}
 */
export function startWarmProcess({ exercisesDir, moduleCache, onDeath = () => {} }) {
  /** @type {Listener | undefined} */
  let listener;
  /** @type {TestProcess | undefined} */
  let handle;
  let alive = true;
  let ready = false;
  let runs = 0;
  let rss = 0;
  /** Messages and output that arrive before anyone attached (the start-up, usually). */
  /** @type {any[]} */
  let early = [];
  let earlyOutput = '';

  /** @type {Error | undefined} */
  let failed;
  const die = () => {
    if (!alive) return;
    alive = false;
    onDeath(ready);
  };

  const job = { files: [], exercisesDir, stopOnFailure: false, mode: 'serve' };
  launch({
    job,
    exercisesDir,
    moduleCache,
    onStart: (h) => (handle = h),
    onMessage(msg) {
      if (msg?.type === 'ready') ready = true;
      if (msg?.type === 'pulse' && typeof msg.rss === 'number') rss = msg.rss;
      if (msg?.type === 'done') runs++;
      if (listener) return listener.onMessage(msg);
      if (['hello', 'ready'].includes(msg?.type)) return void early.push(msg);
      // Between runs, a late word from the last run (a heartbeat or a result still in the pipe
      // when its worker ended) is dropped. What would have stopped a run stops the process.
      if (STOPS.has(msg?.type)) warm.kill();
    },
    onExit(code, signal) {
      const was = listener;
      die();
      was?.onExit(code, signal);
    },
    onOutput(text) {
      if (listener) listener.onOutput(text);
      else earlyOutput = (earlyOutput + text).slice(-4000);
    },
  }).then(
    (h) => {
      if (!alive) h.kill();
    },
    (/** @type {Error} */ err) => {
      failed = err;
      die();
      listener?.onFail(err);
    },
  );

  /** @type {WarmProcess} */
  const warm = {
    exercisesDir,
    cacheDir: moduleCache?.dir,
    alive: () => alive,
    ready: () => ready && alive,
    handle: () => handle,
    attach(l) {
      listener = l;
      if (failed) return l.onFail(failed);
      if (earlyOutput) l.onOutput(earlyOutput);
      earlyOutput = '';
      for (const msg of early) l.onMessage(msg);
      early = [];
    },
    detach() {
      listener = undefined;
    },
    send(msg) {
      const child = handle?.child;
      if (child?.connected) child.send(msg);
    },
    kill() {
      const left = handle?.kill() ?? [];
      die();
      return left;
    },
    runs: () => runs,
    rss: () => rss,
  };
  return warm;
}
