// How learn checks a lesson: a Checker runs a lesson's hidden tests against the learner's file
// and resolves with the lesson's result. learn only ever talks to this interface: warmChecker
// (a test process kept running between saves, the default) or coldChecker (a fresh one per
// check, as verify does; NETLINGS_WARM=off).
import { runChecks } from '../engine/run-checks.js';

/** @typedef {import('../core/course.js').Lesson} Lesson */
/** @typedef {import('../engine/run-checks.js').LessonResult} LessonResult */

/**
 * @typedef {object} Checker
 * @property {(lesson: Lesson) => Promise<LessonResult>} check
 *   Checks the lesson against the file as it is on disk now. One call at a time: learn waits
 *   for a check to end before it starts the next.
 * @property {() => Promise<void>} close  Ends whatever the checker keeps running.
 */

/**
 * @typedef {Checker & { runner: import('../engine/warm-runner.js').WarmRunner }} WarmChecker
 */

/**
 * The engine kept warm (engine/warm-runner.js): the test process starts as learn opens and
 * stays between saves, so a check costs the checks, not vitest's start-up. If the warm runner
 * itself fails (not the learner's code: that is a verdict), the check is done cold.
 * @param {{ exercisesDir: string, onEvent?: (event: { type: string, [key: string]: unknown }) => void }} options
 * @returns {Promise<WarmChecker>}
 */
export async function warmChecker({ exercisesDir, onEvent }) {
  const { warmRunner } = await import('../engine/warm-runner.js');
  const runner = warmRunner({ exercisesDir });
  const cold = coldChecker({ exercisesDir, onEvent });
  void runner.prestart().catch(() => {});
  return {
    runner,
    async check(lesson) {
      let run;
      try {
        run = await runner.run({ lessons: [lesson], onEvent });
      } catch {
        return cold.check(lesson);
      }
      const result = run.lessons.find((r) => r.id === lesson.id);
      if (!result) throw new Error(`the run has no result for ${lesson.id}`);
      return result;
    },
    async close() {
      runner.close();
    },
  };
}

/**
 * A fresh test process per check: what `verify` does. Nothing to keep alive, so nothing can go
 * stale between saves; each check pays vitest's start-up (about 0.8 s).
 * @param {{ exercisesDir: string, onEvent?: (event: { type: string, [key: string]: unknown }) => void }} options
 * @returns {Checker}
 */
export function coldChecker({ exercisesDir, onEvent }) {
  return {
    async check(lesson) {
      const run = await withoutSignalListeners(() => runChecks({ lessons: [lesson], exercisesDir, stopOnFailure: false, onEvent }));
      const result = run.lessons.find((r) => r.id === lesson.id);
      if (!result) throw new Error(`the run has no result for ${lesson.id}`);
      return result;
    },
    async close() {
      // Each run ends its own test process before check() resolves.
    },
  };
}

/**
 * Calls `start` and removes the SIGINT/SIGTERM listeners it added. runChecks ends the process on
 * SIGINT, as verify should; inside learn, Ctrl+C in the pager reaches this process too (one
 * process group) and must not end it. learn handles signals itself, and a test process ends
 * its own process group when learn goes away (it watches the IPC channel).
 * @template T
 * @param {() => T} start
 * @returns {T}
 */
export function withoutSignalListeners(start) {
  const signals = /** @type {const} */ (['SIGINT', 'SIGTERM']);
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const result = start();
  for (const s of signals) for (const listener of process.listeners(s)) if (!before.get(s)?.has(listener)) process.off(s, /** @type {any} */ (listener));
  return result;
}
