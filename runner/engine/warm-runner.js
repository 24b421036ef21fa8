// The engine, started once and run many times: `learn` checks every save with it, and `verify`
// in another terminal borrows it over learn's socket (warm-server.js). It keeps one test process
// (warm-process.js) behind the same guard as a cold run, and runs lessons in it one run at a time
// through runChecks, so results, watchdog and failure messages are those of a cold run.
//
// Never stale: the test process forgets the learner's modules before each run (vitest-child.js);
// it is replaced when netlings' own files change (hidden tests, harness, runner: the module cache
// stamp moves), and after a run it had to be stopped in (a hang, a crash, a budget overrun),
// at once and in the background, so the next save finds a warm one again. It is also replaced
// after RECYCLE_RUNS runs or when it holds more than RECYCLE_RSS_MB between runs.
import { statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { coveredFiles, currentHashes } from '../core/integrity.js';
import { warmModuleCache } from './module-cache.js';
import { runChecks } from './run-checks.js';
import { startWarmProcess } from './warm-process.js';

const RECYCLE_RUNS = 200;
const RECYCLE_RSS_MB = 512;

/** @typedef {import('./run-checks.js').RunResult} RunResult */
/** @typedef {import('./warm-process.js').WarmProcess} WarmProcess */
/** @typedef {{ dir: string, entries: string[] } | undefined} ModuleCache */

/**
 * @typedef {object} WarmRunner
 * @property {string} exercisesDir   absolute: the only folder it checks
 * @property {(o: { lessons: import('../core/course.js').Lesson[], stopOnFailure?: boolean, onEvent?: (event: { type: string, [key: string]: unknown }) => void }) => Promise<RunResult>} run
 *   one run at a time; calls made meanwhile wait their turn
 * @property {() => Promise<void>} prestart   starts the test process now, before a run asks for it
 * @property {() => 'sandbox' | 'fallback' | undefined} guard   the live process's guard, if any
 * @property {() => void} close      ends the test process (synchronously) and refuses later runs
 */

/**
 * @param {{ exercisesDir: string }} options
 * @returns {WarmRunner}
 */
export function warmRunner({ exercisesDir }) {
  const dir = path.resolve(ROOT, exercisesDir);
  /** @type {WarmProcess | undefined} */
  let current;
  /** @type {ModuleCache} */
  let lastCache;
  let closed = false;
  let busy = false;
  /** @type {Promise<unknown>} */
  let queue = Promise.resolve();
  /** @type {{ stamp: string, hashes: Map<string, string> } | undefined} */
  let known;

  /**
   * netlings' file hashes, re-read only when a file's size or time changed: hashing every file
   * costs ~30 ms a run, looking at them ~3 ms.
   */
  function hashes() {
    const stamp = coveredFiles()
      .map((f) => {
        const s = statSync(path.join(ROOT, f), { throwIfNoEntry: false });
        return `${f}:${s?.size}:${s?.mtimeMs}`;
      })
      .join('\n');
    if (known?.stamp !== stamp) known = { stamp, hashes: currentHashes() };
    return known.hashes;
  }

  /** @param {ModuleCache} moduleCache */
  function acquire(moduleCache) {
    lastCache = moduleCache;
    const fit = current?.alive() && current.cacheDir === moduleCache?.dir && current.runs() < RECYCLE_RUNS && current.rss() < RECYCLE_RSS_MB * 2 ** 20;
    if (current && fit) return current;
    current?.kill();
    const started = startWarmProcess({
      exercisesDir: dir,
      moduleCache,
      onDeath(wasReady) {
        // Stopped in a run (or killed from outside): have the next one ready before the next
        // save. One that never became ready is not retried until someone asks again.
        if (wasReady && !closed) setImmediate(() => !busy && !closed && current === started && acquire(lastCache));
      },
    });
    current = started;
    return started;
  }

  return {
    exercisesDir: dir,
    run({ lessons, stopOnFailure = false, onEvent }) {
      const turn = queue.then(async () => {
        if (closed) throw new Error('the warm runner was closed');
        busy = true;
        try {
          return await runChecks({ lessons, exercisesDir: dir, stopOnFailure, onEvent, hashes: hashes(), warm: { acquire }, signals: false });
        } finally {
          busy = false;
          if (!closed && !current?.alive()) acquire(lastCache);
        }
      });
      queue = turn.catch(() => {});
      return turn;
    },
    prestart() {
      const turn = queue.then(async () => {
        if (!closed) acquire(await warmModuleCache(hashes()));
      });
      queue = turn.catch(() => {});
      return turn;
    },
    guard: () => (current?.alive() ? current.handle()?.guard : undefined),
    close() {
      closed = true;
      current?.kill();
    },
  };
}
