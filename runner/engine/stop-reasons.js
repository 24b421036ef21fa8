// Why a test process was stopped, in words for the learner: one Failure per case, each with the
// hint that fits what was observed (a blocked thread is not a promise that never settles, and
// neither is memory running out).
import { HEAP_MB, LESSON_BUDGET_MS, RSS_MB } from './limits.js';

/** @typedef {import('./failures.js').Failure} Failure */

const seconds = (/** @type {number} */ ms) => (ms < 10_000 ? (Math.round(ms / 100) / 10).toFixed(1) : String(Math.round(ms / 1000)));
const during = (/** @type {string | undefined} */ step) => (step ? ` while the check was ${step}` : '');

/** The thread running learner code sent no heartbeat: it is busy and never yields. */
export const blocked = (/** @type {number} */ elapsedMs, /** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'hang',
  message: `your code did not finish within ${seconds(elapsedMs)} s${during(step)}: it never let anything else run`,
  hint: 'A loop that never ends, or a call that blocks (Atomics.wait, execSync, a busy wait), stops everything: timers, sockets and the checks. Look for a while/for loop whose condition never changes, and wait for events instead of spinning.',
});

/** Blocked, and the memory in use grew fast meanwhile. */
export const growing = (/** @type {number} */ elapsedMs, /** @type {number} */ grownMb, /** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'memory',
  message: `your code used more and more memory (${grownMb} MB more in ${seconds(elapsedMs)} s) and did not finish${during(step)}`,
  hint: 'Something grows without end: an array, string, Buffer or Map that a loop or every event adds to and nothing empties. Find the loop and the condition that should end it.',
});

/** The worker ran out of its heap (V8 ended it). */
export const outOfHeap = (/** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'memory',
  message: `your code used more than ${HEAP_MB} MB of memory${during(step)}`,
  hint: 'Something grows without end: an array, string or Map that a loop or every event adds to and nothing empties. The lesson never needs more than a few MB.',
});

/** The whole test process grew beyond RSS_MB (Buffers live outside the heap). */
export const outOfMemory = (/** @type {number} */ rssMb, /** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'memory',
  message: `your code used more than ${RSS_MB} MB of memory (${rssMb} MB)${during(step)}`,
  hint: 'Something grows without end, probably Buffers: data kept in an array or concatenated on every event and never released. The lesson never needs more than a few MB.',
});

/** Heartbeats kept coming, the check never ended, and vitest's own timeout did not fire. */
export const neverEnded = (/** @type {number} */ elapsedMs, /** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'timeout',
  message: `the check did not finish within ${seconds(elapsedMs)} s${during(step)}`,
  hint: 'Something your code was asked for never happened: a promise that never settles, a callback never called, or a connection that never ends.',
});

/** The lesson's checks together used up their budget. */
export const overBudget = (/** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'timeout',
  message: `the checks of this lesson took more than ${LESSON_BUDGET_MS / 1000} s in total${during(step)}, so the rest were not run`,
  hint: 'Your code made the checks wait until their deadlines again and again. Fix the first failure above; the others often follow from it.',
});

/** Nothing at all came from the test process: it was stopped (SIGSTOP) or froze. */
export const frozen = (/** @type {string} */ who, /** @type {boolean} */ stopped, /** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'process',
  message: `${stopped ? `your code stopped (SIGSTOP) ${who}` : `${who} stopped responding`}${during(step)}`,
  hint: 'Exercise code must never signal other processes (process.kill, the kill command): to stop a server, close it.',
});

/** Learner code tried to signal a process it did not start (the worker refused it). */
export const signalled = (/** @type {string} */ signal, /** @type {string} */ target, /** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'process',
  message: `your code tried to send ${signal} to ${target}${during(step)}`,
  hint: 'Exercise code must never signal processes it did not start: to stop your server, close it (server.close()), and let errors reach the caller.',
});

/** The test process ended without finishing: killed, crashed, or exited. */
export const ended = (/** @type {string} */ how, /** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'process',
  message: `the process running the checks ${how}${during(step)}`,
  hint: 'Exercise code must not stop or kill any process it did not start (process.kill, process.abort, the kill command), and must not exit.',
});

/** The worker thread died of an error vitest could not report (e.g. a value whose getters throw). */
export const workerCrashed = (/** @type {string} */ detail, /** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'crash',
  message: `your code crashed the thread that runs the checks (${detail})${during(step)}`,
  hint: 'Throw Error objects (throw new Error("...")), and handle errors inside your event handlers: a value whose properties throw when read cannot even be reported.',
});

/** Something that is not a genuine message arrived on the report channel: learner code wrote to it. */
export const forged = (/** @type {string | undefined} */ step) => /** @type {Failure} */ ({
  kind: 'process',
  message: `your code wrote to the channel the runner reports on${during(step)}`,
  hint: 'Exercise code must not write to file descriptors it did not open itself (fs.writeSync(3, ...)): print with console.log, talk over sockets.',
});

/** The test process could not start. */
export const didNotStart = (/** @type {string} */ detail, /** @type {string} */ output) => /** @type {Failure} */ ({
  kind: 'process',
  message: `the checks did not start: ${detail}`,
  hint: 'Run again; if it keeps happening, run with --verbose and report it.',
  stack: output,
});

/**
 * Processes learner code left running, which the runner stopped.
 * @param {{ command: string }[]} processes
 * @param {string} guard
 */
export const leftRunning = (processes, guard) => /** @type {Failure} */ ({
  kind: 'leak',
  message: `your code left ${processes.length === 1 ? 'a process' : `${processes.length} processes`} running after the checks; netlings stopped ${processes.length === 1 ? 'it' : 'them'}`,
  actual: processes.map((p) => p.command).join(', '),
  hint: `Every process your code starts must end with it: keep the ChildProcess, kill() it when your server closes, and do not detach it (detached, setsid, nohup, &). (guard: ${guard})`,
});
