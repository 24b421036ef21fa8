// One test process, watched from outside: starts it behind its guard (launch.js), turns its
// messages into check results as they arrive, and stops it when it hangs, freezes, runs out of
// memory or time, signals what it must not, or ends. Whatever stops it, every result that
// arrived before stays true, and what learner code left running is stopped and named.
import path from 'node:path';
import { isGarbledChannel } from './channel.js';
import { GuardError, launch } from './launch.js';
import { HANG_MS, LESSON_BUDGET_MS, RSS_MB, STARTUP_MS } from './limits.js';
import * as why from './stop-reasons.js';
import { isStopped } from './sweep.js';
import { trace, traceOut, tracing } from './trace.js';
import { TEST_TIMEOUT_MS } from './vitest-options.js';

/** @typedef {import('./run-checks.js').CheckResult} CheckResult */
/** @typedef {import('./run-checks.js').LessonResult} LessonResult */
/** @typedef {import('./failures.js').Failure} Failure */

let runCount = 0;
/**
 * A blocked thread whose memory rose at least this fast over each of the last two seconds is
 * allocating, not only looping (a loop that allocates nothing leaves it flat).
 */
const GROWING_MB_PER_S = 4;
const lessonOf = (/** @type {string} */ file) => path.basename(file).replace(/\.test\.ts$/, '');
const STATES = /** @type {const} */ ({ pass: 'passed', passed: 'passed', fail: 'failed', failed: 'failed', skip: 'skipped', skipped: 'skipped', pending: 'skipped', todo: 'skipped' });

/** A message from the test process as one trace line (NETLINGS_TRACE). @param {any} msg */
function traceLine(msg) {
  const spare = msg.used ? ': the worker started ahead was used' : ': the worker started ahead was NOT used (vitest asked for other arguments)';
  return `got ${msg.type}${msg.kind ? ` ${msg.kind}` : ''}${msg.check?.name ? `: ${msg.check.name}` : ''}${msg.durationMs ? ` (${Math.round(msg.durationMs)} ms)` : ''}${msg.type === 'spare' ? spare : ''}`;
}

/**
 * @typedef {object} SessionOptions
 * @property {string[]} files                  hidden test files, in order
 * @property {string} exercisesDir             absolute
 * @property {boolean} stopOnFailure
 * @property {Map<string, LessonResult>} results   filled in place
 * @property {{ dir: string, entries: string[] } | undefined} moduleCache
 * @property {(event: { type: string, [key: string]: unknown }) => void} onEvent
 * @property {import('./warm-process.js').WarmProcess} [warm]  run in this process, kept running
 *   after a run that ends normally (it is killed when the run is stopped); else a fresh one
 * @property {boolean} [signals]  end this process on SIGINT/SIGTERM/SIGHUP (verify); default true
 */

/**
 * @typedef {object} SessionEnd
 * @property {string | undefined} cutShortIn   the lesson it was stopped in, if stopped early
 * @property {'sandbox' | 'fallback'} guard
 * @property {string} guardWhy
 * @property {string} output                   the test process's own output (last part), for --verbose
 * @property {GuardError} [guardError]          the guard that was required could not start
 */

/**
 * @param {SessionOptions} o
 * @returns {Promise<SessionEnd>}
 */
export function runSession(o) {
  /** @type {Map<string, CheckResult>} */
  const checks = new Map();
  /** @type {Map<string, CheckResult>} */
  const byFullName = new Map();
  /** @type {Map<string, string>} last step per check full name */
  const steps = new Map();
  /** @type {{ check: CheckResult, since: number, rss: number } | undefined} */
  let running;
  /** @type {{ id: string, since: number } | undefined} */
  let lesson;
  const launched = Date.now();
  let ready = false;
  let lastBeat = 0;
  let lastPulse = Date.now();
  let rss = 0;
  /** The memory in use when the last heartbeat or step arrived. */
  let rssAtBeat = 0;
  /** The memory in use at each pulse of the last few seconds, oldest first. */
  /** @type {{ at: number, rss: number }[]} */
  const pulses = [];
  /** The memory in use `ms` ago (the pulse nearest before then). */
  const rssAgo = (/** @type {number} */ ms) => {
    const then = Date.now() - ms;
    let found = pulses[0]?.rss ?? rss;
    for (const p of pulses) if (p.at <= then) found = p.rss;
    return found;
  };
  let output = '';
  /** @type {import('./launch.js').TestProcess | undefined} */
  let handle;
  /** @type {GuardError | undefined} */
  let guardError;
  let done = false; // the test process said it finished the run
  const runNumber = ++runCount;
  let startRun = () => {};

  const step = () => (running ? steps.get(running.check.fullName) : undefined);
  /** @param {CheckResult} check */
  const start = (check) => {
    if (check.state === 'not-run' && running?.check !== check) running = { check, since: Date.now(), rss };
  };

  return new Promise((resolve) => {
    let finished = false;
    /**
     * Ends the session: stops everything, and blames `failure` (if any) on the running check,
     * or else on the lesson in progress.
     * @param {Failure} [failure]
     */
    const finish = (failure) => {
      if (finished) return;
      finished = true;
      clearInterval(watch);
      o.warm?.detach();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      // After garbage on the channel, node may parse the rest of it later: keep ignoring that.
      if (!garbled) process.off('uncaughtException', onCrash);
      // A warm process that finished its run normally stays for the next one; its own sweep
      // after each lesson already stopped (and reported) what learner code left running.
      const keep = o.warm && !failure && done;
      const left = keep ? [] : (o.warm?.kill() ?? handle?.kill() ?? []);
      const target = lesson?.id ?? lessonOf(o.files[0]);
      if (failure) {
        if (running) Object.assign(running.check, { state: 'failed', failure, durationMs: Date.now() - running.since });
        else o.results.get(target)?.errors.push(failure);
      }
      if (left.length && handle) o.results.get(target)?.errors.push(why.leftRunning(left, handle.guard));
      resolve({ cutShortIn: failure ? target : undefined, guard: handle?.guard ?? 'fallback', guardWhy: handle?.why ?? '', output, guardError });
    };

    const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
      handle?.kill();
      console.error(`\nnetlings: stopped by ${signal === 'SIGINT' ? 'Ctrl+C' : signal}; the checks did not finish, and nothing was recorded.`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    if (o.signals !== false) {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.once('SIGHUP', onSignal);
    }
    // Bytes that are not a message on the channel from the test process make node's IPC parser
    // throw here, in the CLI: that is learner code writing to it, not a bug to crash on.
    let garbled = false;
    const onCrash = (/** @type {Error} */ err) => {
      if (isGarbledChannel(err)) {
        garbled = true;
        return finish(why.forged(step()));
      }
      console.error(err);
      process.exit(1);
    };
    process.on('uncaughtException', onCrash);

    const watch = setInterval(() => {
      const now = Date.now();
      if (!handle || !ready) {
        if (now - launched > STARTUP_MS) finish(why.didNotStart(`nothing happened within ${STARTUP_MS / 1000} s`, output));
        return;
      }
      if (rss > RSS_MB * 2 ** 20) return finish(why.outOfMemory(Math.round(rss / 2 ** 20), step()));
      if (now - lastPulse > HANG_MS) {
        const pid = handle.testPid();
        const stopped = isStopped(handle.child.pid ?? 0) || (pid !== undefined && isStopped(pid));
        const who = handle.guard === 'fallback' && isStopped(handle.child.pid ?? 0) ? 'the process that supervises the checks' : 'the process running the checks';
        return finish(why.frozen(who, stopped, step()));
      }
      if (running) {
        const elapsed = now - running.since;
        const stuckFor = now - Math.max(lastBeat, running.since);
        if (stuckFor > HANG_MS) {
          // Growth since the check's last sign of life: what the stuck code itself allocated, not
          // the worker's start-up or module loading before it (a fresh worker adds ~100 MB).
          const base = lastBeat > running.since ? Math.max(running.rss, rssAtBeat) : running.rss;
          const grown = Math.round((rss - base) / 2 ** 20);
          // Loading a module (the learner's file, what it imports) takes ~100 MB of its own.
          const limit = /^loading /.test(step() ?? '') ? 192 : 64;
          // Memory still rising over the last two seconds is the stuck code allocating: a loop
          // that only spins allocates nothing. On a busy machine it rises slower, so wait a little
          // longer for it to reach the heap limit (V8 then ends the thread) or the growth limit.
          const rising = rss - rssAgo(1000) >= GROWING_MB_PER_S * 2 ** 20 && rss - rssAgo(2000) >= 2 * GROWING_MB_PER_S * 2 ** 20;
          if (grown < limit && rising && stuckFor < 3 * HANG_MS) return;
          return finish(grown >= limit || rising ? why.growing(elapsed, grown, step()) : why.blocked(elapsed, step()));
        }
        if (elapsed > TEST_TIMEOUT_MS + HANG_MS) return finish(why.neverEnded(elapsed, step()));
      }
      if (lesson && now - lesson.since > LESSON_BUDGET_MS) return finish(why.overBudget(step()));
    }, 100);

    /** @param {any} msg */
    const onMessage = (msg) => {
      // Messages still in the pipe when the process was stopped must not rewrite the verdict.
      if (finished) return;
      if (tracing() && msg.type !== 'pulse') trace('cli', traceLine(msg));
      o.onEvent(msg);
      switch (msg.type) {
        case 'pulse':
          lastPulse = Date.now();
          rss = msg.rss;
          pulses.push({ at: lastPulse, rss });
          while (pulses.length > 1 && pulses[0].at < lastPulse - 5000) pulses.shift();
          break;
        case 'ready':
          ready = true;
          lastPulse = Date.now();
          if (o.warm) startRun();
          break;
        case 'watch': {
          lastBeat = Date.now();
          lastPulse = Date.now();
          rssAtBeat = rss;
          if (msg.kind === 'signal') return finish(why.signalled(msg.signal, msg.target, step()));
          if (msg.kind !== 'step') break;
          steps.set(msg.test, msg.text);
          // vitest reports a test's start in batches, so a check that spins at once may never
          // report it. The harness's steps are sent synchronously: they mark the check running.
          const check = byFullName.get(msg.test);
          if (check) start(check);
          break;
        }
        case 'collected': {
          lesson = { id: msg.lesson, since: Date.now() };
          const result = o.results.get(msg.lesson);
          for (const c of msg.checks) {
            /** @type {CheckResult} */
            const check = { ...c, state: 'not-run', logs: [], durationMs: 0 };
            checks.set(c.id, check);
            byFullName.set(c.fullName, check);
            result?.checks.push(check);
          }
          break;
        }
        case 'test-start': {
          const check = checks.get(msg.check.id);
          if (check) start(check);
          break;
        }
        case 'early-result':
        case 'test-end': {
          const check = checks.get(msg.id ?? msg.check?.id);
          if (!check) break;
          const state = STATES[/** @type {keyof typeof STATES} */ (msg.state)];
          if (state) Object.assign(check, { state, failure: state === 'failed' ? msg.failure ?? check.failure : undefined });
          if (msg.durationMs) check.durationMs = msg.durationMs;
          if (msg.output) Object.assign(check, { logs: msg.output.lines, droppedChars: msg.output.droppedChars });
          if (Array.isArray(msg.timeline)) check.timeline = msg.timeline;
          // Reports are batched: the next check may already be running. Only clear our own.
          if (state && running?.check === check) running = undefined;
          break;
        }
        case 'log': {
          checks.get(msg.taskId)?.logs.push(String(msg.content).replace(/\n$/, ''));
          break;
        }
        case 'module-end':
          o.results.get(msg.lesson)?.errors.push(...msg.errors);
          break;
        case 'leftovers':
          if (handle) o.results.get(lessonOf(msg.file))?.errors.push(why.leftRunning(msg.processes, handle.guard));
          break;
        case 'unhandled':
          for (const { test, failure } of msg.errors) {
            // Already reported as that check's failure by the harness? Then say it once.
            const owner = [...checks.values()].find((c) => c.fullName === test || c.name === test);
            if (owner && owner.state === 'failed') continue;
            const result = owner ? o.results.get(owner.lesson) : undefined;
            (result ?? o.results.get(lesson?.id ?? '') ?? [...o.results.values()][0])?.errors.push(failure);
          }
          break;
        case 'forged':
        case 'garbled':
          return finish(why.forged(step()));
        case 'oom':
          return finish(why.outOfHeap(step()));
        case 'worker-error':
          return finish(why.workerCrashed(msg.message, step()));
        case 'signalled':
          return finish(why.signalled(msg.signal, 'the process that supervises the checks, its parent (process.ppid)', step()));
        case 'test-exit':
          return finish(why.ended(msg.signal ? `was killed (${msg.signal})` : `exited (exit code ${msg.code})`, step()));
        case 'done':
          // A warm process answers each run with its number: an older run's answer is not ours.
          if (o.warm && msg.run !== runNumber) return finish(why.forged(step()));
          running = undefined;
          done = true;
          return finish();
      }
    };

    /** @param {number | null} code @param {NodeJS.Signals | null} signal */
    const onExit = (code, signal) => {
      if (finished) return;
      const how =
        handle?.guard === 'fallback'
          ? `was stopped: your code ended the process that supervises the checks (${signal ?? `exit code ${code}`})`
          : code !== null && code > 128
            ? `was killed (signal ${code - 128}${code === 137 ? ', SIGKILL' : code === 143 ? ', SIGTERM' : code === 134 ? ', SIGABRT' : ''})`
            : `stopped unexpectedly (${signal ?? `exit code ${code}`})`;
      finish(why.ended(how, step()));
    };

    const onOutput = (/** @type {string} */ text) => {
      traceOut(text);
      output = (output + text).slice(-4000);
    };
    if (o.warm) {
      const warm = o.warm;
      handle = warm.handle();
      let sent = false;
      startRun = () => {
        if (sent || finished) return;
        sent = true;
        handle = warm.handle();
        warm.send({ type: 'run', run: runNumber, files: o.files, stopOnFailure: o.stopOnFailure });
      };
      const onFail = (/** @type {Error} */ err) => {
        if (err instanceof GuardError) guardError = err;
        finish(why.didNotStart(err.message, output));
      };
      warm.attach({ onMessage, onExit, onOutput, onFail });
      if (finished) return;
      if (!warm.alive()) return finish(why.ended('stopped before it could start', undefined));
      if (warm.ready()) {
        ready = true;
        startRun();
      }
      return;
    }
    const job = { files: o.files, exercisesDir: o.exercisesDir, stopOnFailure: o.stopOnFailure, mode: 'run' };
    const onStart = (/** @type {import('./launch.js').TestProcess} */ h) => (handle = h);
    launch({ job, exercisesDir: o.exercisesDir, moduleCache: o.moduleCache, onStart, onMessage, onExit, onOutput }).then(
      (h) => {
        if (finished) h.kill();
      },
      (/** @type {Error} */ err) => {
        if (err instanceof GuardError) guardError = err;
        finish(why.didNotStart(err.message, output));
      },
    );
  });
}
