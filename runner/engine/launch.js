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
import { startFallback } from './fallback.js';
import { trySandbox } from './sandbox.js';

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
 * @property {{ mode?: string, [key: string]: unknown }} job   for vitest-child.js
 * @property {string} exercisesDir         absolute
 * @property {{ dir: string, entries: string[] } | undefined} moduleCache  warm transforms, bound read-only
 * @property {string} [writableDir]        a host folder the test process may write (cache warm-up)
 * @property {(handle: TestProcess) => void} onStart   called once it runs, before its first message
 * @property {(msg: any) => void} onMessage   genuine messages only; { type: 'forged' } for anything else
 * @property {(code: number | null, signal: NodeJS.Signals | null) => void} onExit
 * @property {(text: string) => void} onOutput   the test process's stdout/stderr
 */

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

