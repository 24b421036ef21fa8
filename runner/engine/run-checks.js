// Runs lessons' hidden tests in a child process and watches it from outside.
//
// The child (vitest-child.js) leads its own process group. A check that stops sending
// heartbeats (a synchronous infinite loop in learner code) or outlives every deadline is
// reported as a hang and the whole group is killed, so no process is ever left behind: not
// vitest's, not one that learner code spawned.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../core/course.js';
import { TEST_TIMEOUT_MS } from './vitest-options.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'vitest-child.js');

/** No heartbeat from a running check for this long means its thread is stuck. */
export const HANG_MS = Number(process.env.NETLINGS_HANG_MS) || 3000;
/** The child must start its first check within this (vitest start-up on a busy machine). */
const STARTUP_MS = 60_000;

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
 * @property {string[]} logs     What the learner's code printed during this check.
 * @property {number} durationMs
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
 */

/**
 * @typedef {object} RunOptions
 * @property {Lesson[]} lessons         In course order.
 * @property {string} exercisesDir      Folder with the learner files (absolute or relative to the repo).
 * @property {boolean} [stopOnFailure]  Do not run lessons after the first that fails.
 * @property {(event: { type: string, [key: string]: unknown }) => void} [onEvent]  Progress, for live output.
 */

/**
 * @param {RunOptions} options
 * @returns {Promise<RunResult>}
 */
export function runChecks({ lessons, exercisesDir, stopOnFailure = false, onEvent = () => {} }) {
  const started = Date.now();
  /** @type {Map<string, LessonResult>} */
  const results = new Map(lessons.map((l) => [l.id, { id: l.id, state: /** @type {const} */ ('not-run'), checks: [], errors: [] }]));
  /** @type {Map<string, CheckResult>} */
  const checks = new Map();
  /** @type {Map<string, CheckResult>} */
  const byFullName = new Map();
  /** @type {Map<string, string>} last step per check full name */
  const steps = new Map();
  /** @type {{ check: CheckResult, lesson: string, since: number } | undefined} */
  let running;
  let lastBeat = 0;
  let lastActivity = Date.now();
  let stderr = '';

  const job = { files: lessons.map((l) => path.join(ROOT, l.hiddenTest)), exercisesDir: path.resolve(ROOT, exercisesDir), stopOnFailure };
  const child = fork(CHILD, [JSON.stringify(job)], {
    cwd: ROOT,
    detached: true, // own process group: one kill ends everything below it
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, FORCE_COLOR: '0', NODE_OPTIONS: '' },
  });
  child.stdout?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));

  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone, which is what we wanted.
    }
  };
  const onSignal = () => {
    killGroup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  return new Promise((resolve) => {
    let finished = false;
    /** @param {Failure} [stopFailure] why the run was cut short, blamed on the running check */
    const finish = (stopFailure) => {
      if (finished) return;
      finished = true;
      clearInterval(watch);
      killGroup();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (stopFailure) {
        if (running) {
          Object.assign(running.check, { state: 'failed', failure: stopFailure });
        } else {
          const current = [...results.values()].find((r) => r.state === 'not-run' && r.checks.length) ?? [...results.values()].find((r) => r.state === 'not-run');
          current?.errors.push(stopFailure);
        }
      }
      for (const r of results.values()) {
        if (r.checks.some((c) => c.state === 'failed') || r.errors.length) r.state = 'failed';
        else if (r.checks.length && r.checks.every((c) => c.state === 'passed' || c.state === 'skipped')) r.state = 'passed';
        else if (r.checks.some((c) => c.state !== 'not-run')) r.state = 'failed';
      }
      resolve({ lessons: [...results.values()], durationMs: Date.now() - started });
    };

    const watch = setInterval(() => {
      const now = Date.now();
      if (running) {
        const quiet = now - Math.max(lastBeat, running.since);
        const step = steps.get(running.check.fullName);
        const during = step ? ` while the check was ${step}` : '';
        if (quiet > HANG_MS || now - running.since > TEST_TIMEOUT_MS + HANG_MS) {
          const seconds = Math.round(Math.min(quiet, now - running.since) / 1000);
          finish({
            kind: 'hang',
            message: `your code did not finish within ${seconds} s${during}`,
            hint: 'A loop that never ends blocks everything, timers and sockets included. Look for a while/for loop whose condition never changes, and for code that waits by spinning instead of using an event.',
          });
        }
      } else if (now - lastActivity > STARTUP_MS) {
        finish({ kind: 'process', message: `the checks did not start within ${STARTUP_MS / 1000} s`, hint: 'Run again; if it keeps happening, run with --verbose and report it.', stack: stderr });
      }
    }, 100);

    child.on('message', (/** @type {any} */ msg) => {
      lastActivity = Date.now();
      onEvent(msg);
      switch (msg.type) {
        case 'watch': {
          lastBeat = Date.now();
          if (msg.kind !== 'step') break;
          steps.set(msg.test, msg.text);
          // vitest reports a test's start in batches, so a check that spins at once may never
          // report it. The harness's steps are sent synchronously: they mark the check running.
          const check = byFullName.get(msg.test);
          if (check && check.state === 'not-run' && running?.check !== check) running = { check, lesson: check.lesson, since: Date.now() };
          break;
        }
        case 'collected': {
          const lesson = results.get(msg.lesson);
          for (const c of msg.checks) {
            /** @type {CheckResult} */
            const check = { ...c, state: 'not-run', logs: [], durationMs: 0 };
            checks.set(c.id, check);
            byFullName.set(c.fullName, check);
            lesson?.checks.push(check);
          }
          break;
        }
        case 'test-start': {
          const check = checks.get(msg.check.id);
          if (check && check.state === 'not-run' && running?.check !== check) running = { check, lesson: msg.check.lesson, since: Date.now() };
          break;
        }
        case 'test-end': {
          const check = checks.get(msg.check.id);
          if (check) Object.assign(check, { state: msg.state === 'pending' ? 'skipped' : msg.state, failure: msg.failure, durationMs: msg.durationMs });
          // Reports are batched: the next check may already be running. Only clear our own.
          if (running?.check === check) running = undefined;
          break;
        }
        case 'log': {
          const check = checks.get(msg.taskId);
          check?.logs.push(String(msg.content).replace(/\n$/, ''));
          break;
        }
        case 'module-end': {
          const lesson = results.get(msg.lesson);
          lesson?.errors.push(...msg.errors);
          break;
        }
        case 'unhandled':
          for (const { test, failure } of msg.errors) {
            // Already reported as that check's failure by the harness? Then say it once.
            const owner = [...checks.values()].find((c) => c.fullName === test || c.name === test);
            if (owner && owner.state === 'failed') continue;
            const lesson = owner ? results.get(owner.lesson) : undefined;
            (lesson ?? [...results.values()].find((r) => r.checks.length) ?? [...results.values()][0])?.errors.push(failure);
          }
          break;
        case 'done':
          finish();
          break;
      }
    });

    child.on('exit', (code, signal) => {
      if (finished) return;
      const step = running && steps.get(running.check.fullName);
      finish({
        kind: 'process',
        message: `the process running the checks stopped unexpectedly (${signal ?? `exit code ${code}`})${step ? ` while the check was ${step}` : ''}`,
        hint: 'Exercise code must not stop or kill the process (process.exit, process.kill, process.abort).',
        stack: stderr,
      });
    });
  });
}
