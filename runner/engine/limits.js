// Every limit the runner puts on learner code, in one place. Messages quote these numbers.

const fromEnv = (/** @type {string} */ name, /** @type {number} */ fallback) => Number(process.env[name]) || fallback;

/** No heartbeat from a running check's thread for this long means the thread is stuck. */
export const HANG_MS = fromEnv('NETLINGS_HANG_MS', 3000);
/** All checks of one lesson together, on top of every per-check deadline. */
// Generous: a correct solution must never run out of it, also on a machine busy with other work,
// where a lesson of 30 checks can take 20 s; every check also has its own deadlines.
export const LESSON_BUDGET_MS = fromEnv('NETLINGS_LESSON_BUDGET_MS', 60_000);
/** The test process must start its first check within this (vitest start-up on a busy machine). */
export const STARTUP_MS = 60_000;
/** The JS heap of the thread that runs learner code (V8 terminates the thread beyond it). */
export const HEAP_MB = fromEnv('NETLINGS_HEAP_MB', 256);
/** Resident memory of the whole test process: catches Buffers, which live outside the heap. */
export const RSS_MB = fromEnv('NETLINGS_RSS_MB', 1024);
/** What learner code printed during one check: the last lines are kept, up to these sizes. */
export const OUTPUT_KEEP_CHARS = 16 * 1024;
export const OUTPUT_KEEP_LINES = 200;
/** How long a process the learner's code stopped itself may take to exit before it counts as left over. */
export const LEFTOVER_GRACE_MS = 300;
