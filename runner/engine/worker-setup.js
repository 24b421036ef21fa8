// Runs in the test worker before each hidden test file (vitest `setupFiles`), so before any
// learner code is loaded. It makes the worker fit to run code nobody reviewed:
//   - results as they happen: each check's outcome is posted the moment it is known, so a check
//     that finished before a hang or a kill is reported as it ended, never as "not run";
//   - output: console and process.stdout/stderr are captured per check, keeping only the last
//     part, so that printing 50 MB costs the same as printing a line and never changes a verdict;
//   - guards: process.kill only reaches processes the learner's code started itself, and every
//     process it starts carries the run's id in its environment (even with its own `env`), so the
//     runner can find it again and say what it stopped;
//   - the wire timeline (runner/harness/timeline.ts): started before each check, the moment the
//     check's own code ended marked (what follows is clean-up), and sent with the result of a
//     check that failed (of every check with `verify --timeline`).
// Messages go to the vitest process's main thread on the watchdog channel (see vitest-child.js).
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { formatWithOptions } from 'node:util';
import { beforeEach } from 'vitest';
import { getFn, setFn } from 'vitest/suite';
import { takeTimeline } from '../harness/timeline-take.ts';
import { note, startTimeline, timelineWanted } from '../harness/timeline.ts';
import { OUTPUT_KEEP_CHARS, OUTPUT_KEEP_LINES } from './limits.js';
import { trace } from './trace.js';

trace('worker', 'set-up starts: vitest is running in the worker');
const CHANNEL = 'netlings-watchdog'; // same name as runner/harness/watchdog.ts
const RUN_ID_VAR = 'NETLINGS_RUN_ID';
const INSTALLED = Symbol.for('netlings.worker-setup');

// Captured now, before learner code can replace them.
const now = performance.now.bind(performance);
const nextTick = process.nextTick.bind(process);
const channel = new BroadcastChannel(CHANNEL);
channel.unref();
/** @param {object} message */
const post = (message) => {
  try {
    channel.postMessage(message);
  } catch {
    // Not cloneable (it should always be): the runner still learns the outcome from vitest.
  }
};

/** @type {{ text: string, dropped: number }} */
let output = { text: '', dropped: 0 };
let currentCheck = '';

/** A fresh copy of a short string, so a slice of a huge one does not keep the huge one alive. */
const copy = (/** @type {string} */ s) => Buffer.from(s, 'utf8').toString('utf8');

/** Keeps the last OUTPUT_KEEP_CHARS characters of what was printed; counts the rest. */
function keep(/** @type {unknown} */ chunk) {
  let text;
  try {
    text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
  } catch {
    text = '[a value that cannot be printed]\n';
  }
  if (text.length > OUTPUT_KEEP_CHARS) {
    output.dropped += output.text.length + text.length - OUTPUT_KEEP_CHARS;
    output.text = copy(text.slice(-OUTPUT_KEEP_CHARS));
    return;
  }
  output.text += text;
  if (output.text.length > 2 * OUTPUT_KEEP_CHARS) {
    const cut = output.text.length - OUTPUT_KEEP_CHARS;
    output.dropped += cut;
    output.text = copy(output.text.slice(cut));
  }
}

/** What was printed since the last call: the last lines, and how many characters were dropped. */
function takeOutput() {
  let lines = output.text.replace(/\n$/, '').split('\n');
  let dropped = output.dropped;
  if (output.dropped && lines.length > 1) {
    dropped += lines[0].length + 1; // the first kept line was cut: drop it whole
    lines = lines.slice(1);
  }
  if (lines.length > OUTPUT_KEEP_LINES) {
    for (const line of lines.slice(0, lines.length - OUTPUT_KEEP_LINES)) dropped += line.length + 1;
    lines = lines.slice(-OUTPUT_KEEP_LINES);
  }
  const result = { lines: output.text ? lines : [], droppedChars: dropped };
  output = { text: '', dropped: 0 };
  return result;
}

const printOptions = { depth: 4, maxArrayLength: 50, maxStringLength: OUTPUT_KEEP_CHARS, breakLength: 120 };
const printed = (/** @type {unknown[]} */ args) => {
  try {
    return `${formatWithOptions(printOptions, ...args)}\n`;
  } catch {
    return '[a value that cannot be printed]\n';
  }
};

function captureOutput() {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table', 'group', 'groupCollapsed']) {
    /** @type {any} */ (console)[method] = (/** @type {unknown[]} */ ...args) => keep(printed(args));
  }
  console.assert = (ok, ...args) => {
    if (!ok) keep(printed(['Assertion failed', ...args]));
  };
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = /** @type {any} */ (
      (/** @type {unknown} */ chunk, /** @type {unknown} */ encoding, /** @type {unknown} */ callback) => {
        keep(chunk);
        const done = typeof encoding === 'function' ? encoding : callback;
        if (typeof done === 'function') nextTick(done);
        return true;
      }
    );
  }
}

/**
 * A failure, reduced to what the runner reads (failures.js), small and cloneable.
 * @param {any} err
 * @returns {any}
 */
function slim(err, depth = 0) {
  if (err === undefined || err === null) return undefined;
  /** @param {unknown} v */
  const short = (v, max = 4000) => {
    try {
      return v === undefined ? undefined : String(v).slice(0, max);
    } catch {
      return '[unreadable]';
    }
  };
  /** @param {string} key */
  const field = (key) => {
    try {
      return err[key];
    } catch {
      return undefined;
    }
  };
  let netlings;
  try {
    netlings = structuredClone(field('netlings'));
  } catch {
    netlings = undefined;
  }
  return {
    name: short(field('name'), 200),
    message: short(field('message')),
    stack: short(field('stack')),
    expected: short(field('expected'), 2000),
    actual: short(field('actual'), 2000),
    netlings,
    __vitest_rollup_error__: field('__vitest_rollup_error__') ? { id: short(field('__vitest_rollup_error__')?.id, 500) } : undefined,
    cause: depth < 2 ? slim(field('cause'), depth + 1) : undefined,
  };
}

/** Every process learner code starts carries the run's id; process.kill reaches only those. */
function guardProcesses() {
  const runId = process.env[RUN_ID_VAR];
  /** @type {Set<number>} */
  const own = new Set();
  const mark = (/** @type {unknown} */ pairs) =>
    runId ? [...(Array.isArray(pairs) ? pairs : []).filter((p) => !String(p).startsWith(`${RUN_ID_VAR}=`)), `${RUN_ID_VAR}=${runId}`] : pairs;

  // Every asynchronous spawn (spawn, exec, execFile, fork) goes through this internal method.
  const proto = /** @type {any} */ (childProcess.ChildProcess.prototype);
  const realSpawn = proto.spawn;
  proto.spawn = function spawn(/** @type {any} */ options) {
    if (options && typeof options === 'object') options.envPairs = mark(options.envPairs);
    const result = realSpawn.call(this, options);
    if (this.pid) {
      own.add(this.pid);
      const command = [options?.file, ...(Array.isArray(options?.args) ? options.args.slice(1) : [])].join(' ').slice(0, 80);
      post({ type: 'spawned', pid: this.pid, command, test: currentCheck });
    }
    return result;
  };
  for (const name of /** @type {const} */ (['spawnSync', 'execSync', 'execFileSync'])) {
    const real = /** @type {Function} */ (childProcess[name]);
    /** @type {any} */ (childProcess)[name] = function (/** @type {unknown[]} */ ...args) {
      const withMark = args.map((a) => (a && typeof a === 'object' && !Array.isArray(a) && 'env' in a ? { ...a, env: { .../** @type {any} */ (a).env, [RUN_ID_VAR]: runId } } : a));
      return real.apply(this, runId ? withMark : args);
    };
  }

  const realKill = process.kill.bind(process);
  /** @type {any} */ (process).kill = function kill(/** @type {number} */ pid, /** @type {string | number} */ signal = 'SIGTERM') {
    const n = Number(pid);
    if (signal === 0 || signal === '0' || (n > 0 && own.has(n)) || (n < -1 && own.has(-n))) return realKill(pid, signal);
    const target =
      n === process.pid
        ? 'the process running the checks (process.pid)'
        : n === process.ppid
          ? 'the process that runs the checks, its parent (process.ppid)'
          : n === 0
            ? 'every process in its own process group (pid 0)'
            : n === -1
              ? 'every process it may signal (pid -1)'
              : `process ${n}, which your code did not start`;
    post({ type: 'signal', pid: n, signal: String(signal), target, test: currentCheck });
    throw Object.assign(new Error(`kill EPERM: exercise code may not signal ${target}`), { code: 'EPERM', errno: -1, syscall: 'kill' });
  };
  syncBuiltinESMExports();
}

if (!(/** @type {any} */ (globalThis)[INSTALLED])) {
  /** @type {any} */ (globalThis)[INSTALLED] = true;
  captureOutput();
  guardProcesses();
}

/** The checks whose function is already wrapped (a retry runs beforeEach again). */
const marked = new WeakSet();

/**
 * Wraps the check's own function so the timeline shows where it gave up (the moment its error
 * surfaced) and where it ended: after that, the sockets are closed by the clean-up hooks.
 * @param {import('vitest').TestContext['task']} task
 */
function markCheckEnd(task) {
  const fn = getFn(task);
  if (!fn || marked.has(task)) return;
  marked.add(task);
  setFn(task, async () => {
    try {
      return await fn();
    } catch (err) {
      note('gave-up', describeError(err));
      throw err;
    } finally {
      note('clean-up');
    }
  });
}

/** @param {unknown} err */
function describeError(err) {
  try {
    return String(/** @type {any} */ (err)?.message ?? err).split('\n')[0].slice(0, 300);
  } catch {
    return 'an error that cannot be read';
  }
}

beforeEach((context) => {
  const started = now();
  currentCheck = context.task.id;
  startTimeline();
  markCheckEnd(context.task);
  context.onTestFinished(() => {
    const result = context.task.result;
    const failed = result?.state === 'fail';
    /** @type {import('../harness/timeline.ts').WireEvent[] | undefined} */
    let timeline = undefined;
    try {
      timeline = takeTimeline(timelineWanted(failed));
      // A failure found only by the clean-up (a leak, a crash nobody waited for) has no mark yet.
      if (failed && timeline.length && !timeline.some((e) => e.kind === 'gave-up')) {
        timeline.push({ t: Math.round((now() - started) * 10) / 10, side: 'check', conn: 0, kind: 'gave-up', detail: describeError(result?.errors?.[0]) });
      }
    } catch {
      timeline = undefined; // a diagnostic must never cost the verdict
    }
    post({ type: 'result', id: context.task.id, state: result?.state, error: slim(result?.errors?.[0]), durationMs: Math.round(now() - started), output: takeOutput(), timeline: timeline?.length ? timeline : undefined });
    currentCheck = '';
  });
});
