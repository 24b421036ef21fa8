// Runs lessons' hidden tests in a guarded test process (test-session.js) and collects the
// results. When a process has to be stopped (a hang, a crash, a lesson over its time budget)
// and the run covers more lessons without stopping at the first failure, the lessons after the
// one it was stopped in get a fresh process: one lesson's bad code costs only that lesson.
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { warmModuleCache } from './module-cache.js';
import { runSession } from './test-session.js';
import { trace } from './trace.js';

/** @typedef {import('./failures.js').Failure} Failure */
/** @typedef {import('../core/course.js').Lesson} Lesson */

/**
 * @typedef {object} CheckResult
 * @property {string} id
 * @property {string} lesson
 * @property {string} task       The describe block, e.g. "Task 1: createShoutServer()".
 * @property {string} name       Reads as a sentence.
 * @property {string} fullName
 * @property {'passed' | 'failed' | 'skipped' | 'not-run'} state
 * @property {Failure} [failure]
 * @property {string[]} logs     The last lines the learner's code printed during this check.
 * @property {number} [droppedChars]  How much earlier output was not kept.
 * @property {number} durationMs
 * @property {import('../report/timeline.js').WireEvent[]} [timeline]  What happened on the wire: for a
 *   failed check, or for every check with `verify --timeline` (harness/timeline.ts records it).
 */

/**
 * @typedef {object} LessonResult
 * @property {string} id
 * @property {'passed' | 'failed' | 'not-run'} state
 * @property {CheckResult[]} checks
 * @property {Failure[]} errors   Problems outside any one check.
 */

/**
 * @typedef {object} RunResult
 * @property {LessonResult[]} lessons   In the order asked for.
 * @property {number} durationMs
 * @property {{ kind: 'sandbox' | 'fallback', why: string }} guard   What kept learner code in check.
 * @property {string} output            The test process's own output (last part), for --verbose.
 * @property {boolean} [warm]           Run by learn's warm runner, over its socket (warm-client.js).
 */

/**
 * @typedef {object} RunOptions
 * @property {Lesson[]} lessons         In course order.
 * @property {string} exercisesDir      Folder with the learner files (absolute or relative to the repo).
 * @property {boolean} [stopOnFailure]  Do not run lessons after the first that fails.
 * @property {(event: { type: string, [key: string]: unknown }) => void} [onEvent]  Progress, for live output.
 * @property {Map<string, string>} [hashes]  core/integrity.js currentHashes(), if the caller has them
 * @property {WarmSource} [warm]   run in a test process kept running between runs (warm-runner.js)
 * @property {boolean} [signals]   SIGINT/SIGTERM/SIGHUP end the process during the run (default true)
 */

/**
 * @typedef {object} WarmSource
 * @property {(moduleCache: { dir: string, entries: string[] } | undefined) => import('./warm-process.js').WarmProcess} acquire
 *   a live process started with this module cache (a new one when the last was stopped)
 */

/**
 * @param {RunOptions} options
 * @returns {Promise<RunResult>}
 */
export async function runChecks({ lessons, exercisesDir, stopOnFailure = false, onEvent = () => {}, hashes, warm, signals }) {
  const started = Date.now();
  /** @type {Map<string, LessonResult>} */
  const results = new Map(lessons.map((l) => [l.id, { id: l.id, state: /** @type {const} */ ('not-run'), checks: [], errors: [] }]));
  const moduleCache = await warmModuleCache(hashes);
  trace('cli', 'module cache ready; starting the test process');
  let todo = lessons;
  /** @type {import('./test-session.js').SessionEnd | undefined} */
  let end;
  while (todo.length) {
    end = await runSession({
      files: todo.map((l) => path.join(ROOT, l.hiddenTest)),
      exercisesDir: path.resolve(ROOT, exercisesDir),
      stopOnFailure,
      results,
      moduleCache,
      onEvent,
      warm: warm?.acquire(moduleCache),
      signals,
    });
    if (end.guardError) throw end.guardError;
    const cut = end.cutShortIn;
    if (!cut || stopOnFailure) break;
    const at = todo.findIndex((l) => l.id === cut);
    todo = at < 0 ? [] : todo.slice(at + 1);
  }
  for (const r of results.values()) {
    if (r.checks.some((c) => c.state === 'failed') || r.errors.length) r.state = 'failed';
    else if (r.checks.length && r.checks.every((c) => c.state === 'passed' || c.state === 'skipped')) r.state = 'passed';
    else if (r.checks.some((c) => c.state !== 'not-run')) r.state = 'failed';
  }
  return {
    lessons: [...results.values()],
    durationMs: Date.now() - started,
    guard: { kind: end?.guard ?? 'fallback', why: end?.guardWhy ?? '' },
    output: end?.output ?? '',
  };
}
