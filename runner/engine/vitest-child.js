// The process that runs the hidden tests, started by launch.js behind a guard (a sandbox, or
// the fallback supervisor). Learner code runs in its worker thread; this main thread stays free
// and forwards everything to the CLI over IPC: vitest's events, the worker's heartbeats, steps
// and results (watchdog channel), its own pulse with the memory in use, and after each lesson
// the processes learner code left running (which it stops).
// Job (argv[2], JSON): { files, exercisesDir, stopOnFailure, mode: 'run' | 'warm' | 'serve', guard, runId, moduleCacheDir }
// mode 'serve' runs nothing at first: each { type: 'run', run, files, stopOnFailure } message from
// the CLI is one run, answered by { type: 'done', run } (engine/warm-runner.js).
// The CLI's first message is the key every message back is signed with (channel.js).
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import workerThreads from 'node:worker_threads';
import { lessonPaths } from '../core/course.js';
import { signer } from './channel.js';
import { predictedWorkerArgs } from './early-worker.js';
import { toFailure } from './failures.js';
import { HEAP_MB, LEFTOVER_GRACE_MS } from './limits.js';
import { isAlive, markedProcesses, namespaceProcesses, stopProcesses } from './sweep.js';
import { trace } from './trace.js';

const WATCHDOG_CHANNEL = 'netlings-watchdog'; // same name as runner/harness/watchdog.ts

trace('test process', 'started');
// If the CLI (or the supervisor) disappears, end at once; the guard takes the rest.
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.kill(process.pid, 'SIGKILL');
  }
});

const key = await new Promise((resolve) => {
  process.once('message', (/** @type {any} */ m) => resolve(m?.key));
  setTimeout(resolve, 10_000).unref();
});
if (typeof key !== 'string') process.exit(1);
const sign = signer(key);
/** @param {object} message */
const send = (message) => {
  try {
    process.send?.(sign(message));
  } catch {
    // The channel is closed: the disconnect handler ends us.
  }
};
send({ type: 'hello', pid: process.pid });

const job = JSON.parse(process.argv[2] ?? '{}');
process.env.NETLINGS_EXERCISES = job.exercisesDir;

// The worker that runs learner code gets its own heap limit: V8 ends the thread (not the
// process) beyond it, and we say why before vitest reports a bare "Worker exited unexpectedly".
const BaseWorker = workerThreads.Worker;
/** @param {unknown} err */
const describe = (err) => {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } catch {
    return 'a value whose properties cannot be read';
  }
};
/**
 * Booting a thread and loading vitest's worker runtime is a good part of a short run, so the
 * next worker is started before it is needed: the first one before vitest is imported
 * (early-worker.js), the next lesson's while a lesson runs (runs of several lessons), and in a
 * warm process (mode 'serve') the next run's while it waits. Such a spare is a new thread no
 * code but vitest's has run in, made with exactly the arguments vitest gave the last one (or
 * those predicted); vitest gets it when it asks for a worker with those same arguments, else a
 * new one as usual.
 * @type {{ key: string, worker: TestWorker, early?: boolean } | undefined}
 */
let spare;
/** @type {ConstructorParameters<typeof BaseWorker> | undefined} */
let lastArgs;
/** Another hidden test file follows the one starting (runFiles): its worker may boot meanwhile. */
let moreToCome = false;
const recipe = (/** @type {unknown[]} */ args) => {
  try {
    // Keys sorted: vitest builds the worker's env by spreading objects, whose order may vary.
    return JSON.stringify(args, (_k, v) =>
      v instanceof URL ? v.href : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
    );
  } catch {
    return undefined; // something that does not compare: never use a spare for it
  }
};
class TestWorker extends BaseWorker {
  /** @param {ConstructorParameters<typeof BaseWorker>} args */
  constructor(...args) {
    const key = recipe(args);
    if (spare && key !== undefined && spare.key === key) {
      const { worker } = spare;
      spare = undefined;
      send({ type: 'spare', used: true });
      lastArgs = args;
      if (moreToCome) setImmediate(prepareSpare);
      return worker;
    }
    if (spare?.early) {
      // Started from a prediction that turned out wrong (early-worker.js): never of use.
      void spare.worker.terminate();
      spare = undefined;
      send({ type: 'spare', used: false });
    }
    const [file, options = {}] = args;
    super(file, { ...options, resourceLimits: { ...options.resourceLimits, maxOldGenerationSizeMb: HEAP_MB } });
    lastArgs = args;
    if (moreToCome) setImmediate(prepareSpare);
    this.on('error', (err) => {
      if (/** @type {NodeJS.ErrnoException} */ (err)?.code === 'ERR_WORKER_OUT_OF_MEMORY') send({ type: 'oom', mb: HEAP_MB });
      else send({ type: 'worker-error', message: describe(err) });
    });
  }
}
/** Makes the spare for the next file or run, once a run has shown vitest's arguments. */
function prepareSpare() {
  if (spare || !lastArgs) return;
  const key = recipe(lastArgs);
  if (key === undefined) return;
  const args = lastArgs;
  lastArgs = undefined;
  spare = { key, worker: new TestWorker(...args) };
  lastArgs = args;
}
workerThreads.Worker = TestWorker;
syncBuiltinESMExports();
// The first run's worker boots on the other core while this thread imports vitest.
if (job.mode === 'run' || job.mode === 'serve') {
  const args = predictedWorkerArgs();
  const key = recipe(args);
  if (key !== undefined) spare = { key, worker: new TestWorker(...args), early: true };
}

/** Pids the worker saw learner code spawn: the roots of the fallback's sweep. */
const spawned = new Set();
const channel = new BroadcastChannel(WATCHDOG_CHANNEL);
channel.unref();
channel.onmessage = (/** @type {MessageEvent} */ event) => {
  const { type: kind, ...rest } = event.data ?? {};
  if (kind === 'spawned') spawned.add(rest.pid);
  if (kind === 'result') {
    // Converted here, where NETLINGS_EXERCISES is known (failures.js tells learner files apart).
    const { error, ...result } = rest;
    send({ type: 'early-result', ...result, failure: error ? toFailure(error) : undefined });
    return;
  }
  send({ type: 'watch', kind, ...rest });
};

// This thread's pulse: the CLI tells "the worker is stuck" (no heartbeat, pulse) from "the whole
// process is frozen" (neither), and watches memory, which Buffers use outside the heap limit.
setInterval(() => send({ type: 'pulse', rss: process.memoryUsage.rss() }), 250).unref();

/** Stops what learner code left running, after a lesson; says what it was. */
async function sweep() {
  const find = () =>
    job.guard === 'sandbox' ? namespaceProcesses([process.pid]) : markedProcesses(job.runId, { exclude: [process.ppid], roots: [...spawned] });
  let left = find();
  if (!left.length) return [];
  // A process the learner's code ended itself may take a moment to go.
  for (let waited = 0; left.length && waited < LEFTOVER_GRACE_MS; waited += 50) {
    await sleep(50);
    left = left.filter((p) => isAlive(p.pid));
  }
  // Look again: those that stayed, and any they started meanwhile.
  const stopped = stopProcesses(find());
  for (const p of stopProcesses(find())) if (!stopped.some((s) => s.pid === p.pid)) stopped.push(p);
  return stopped;
}

trace('test process', 'importing vitest');
const { createVitest } = await import('vitest/node');
const { ipcReporter } = await import('./reporter.js');
const { CACHED_MODULES, hiddenTestOptions, moduleCachePlugin } = await import('./vitest-options.js');
const options = { ...hiddenTestOptions({ moduleCacheDir: job.moduleCacheDir ?? null }), reporters: [ipcReporter(send)] };
const vitest = await createVitest('test', options, { plugins: [moduleCachePlugin()] }, { stdout: process.stdout, stderr: process.stderr });

/**
 * Runs hidden test files one after another, each in a fresh worker (isolate), sweeping after each.
 * @param {string[]} files
 * @param {boolean} stopOnFailure
 */
async function runFiles(files, stopOnFailure) {
  const project = vitest.getRootProject();
  for (const [i, file] of files.entries()) {
    moreToCome = i < files.length - 1;
    const { testModules } = await vitest.runTestSpecifications([project.createSpecification(file)]);
    const processes = await sweep();
    if (processes.length) send({ type: 'leftovers', file, processes });
    if (stopOnFailure && !testModules.every((m) => m.ok())) break;
  }
  moreToCome = false;
}

/**
 * Warm runs (mode 'serve'): vite keeps every transform it made in memory, and with no file
 * watcher it would hand the worker the learner's file as it was at the first run. Before each
 * run, every module that is not netlings' own (hidden tests, harness, engine) or a package is
 * forgotten: the learner's file, whatever it imported from exercises/ or elsewhere. They are
 * transformed again from disk (a few ms); learner files never enter the module cache anyway.
 */
function forgetLearnerModules() {
  const own = (/** @type {string} */ file) => CACHED_MODULES.some((dir) => file.startsWith(dir)) || file.includes(`${path.sep}node_modules${path.sep}`);
  /** @type {Set<string>} */
  const files = new Set();
  for (const project of vitest.projects) {
    for (const environment of Object.values(project.vite.environments)) {
      for (const file of environment.moduleGraph.fileToModulesMap.keys()) if (!own(file)) files.add(file);
    }
  }
  for (const file of files) vitest.invalidateFile(file);
}

trace('test process', 'vitest is ready');

/**
 * Has vite transform the learner's files for these hidden test files now, while the worker
 * starts and collects: the first check that loads one then finds it ready (~50 ms sooner).
 * Transforming runs no learner code, and a file that does not compile is reported as always
 * when the check loads it (a warm-up only logs its error).
 * @param {string[]} files
 */
function prepareLearnerFiles(files) {
  const ssr = vitest.getRootProject().vite.environments.ssr;
  for (const file of files) void ssr.warmupRequest(lessonPaths(path.basename(file).replace(/\.test\.ts$/, ''), job.exercisesDir).exercise).catch(() => {});
}
if (job.mode === 'warm') {
  send({ type: 'ready' });
  // Collecting imports every hidden test file and the harness, and no learner code.
  await vitest.collect();
  await vitest.close();
  send({ type: 'done' });
} else if (job.mode === 'serve') {
  // Kept running between runs (engine/warm-runner.js): one run at a time, on request. Learner
  // code runs only in the workers, each used for one file and then ended (isolate), so nothing
  // it did survives into the next run but the processes it started, which sweep() stops.
  let queue = Promise.resolve();
  process.on('message', (/** @type {any} */ msg) => {
    if (msg?.type !== 'run' || !Array.isArray(msg.files)) return;
    queue = queue.then(async () => {
      // Anything the last run's code started after its sweep (while its worker was ending) is
      // stopped before this run begins, so it is never taken for this run's doing.
      await sweep();
      spawned.clear();
      forgetLearnerModules();
      prepareLearnerFiles(msg.files.map(String));
      await runFiles(msg.files.map(String), Boolean(msg.stopOnFailure));
      spawned.clear(); // swept: a pid may be reused by an unrelated process later
      send({ type: 'done', run: msg.run });
      prepareSpare();
    });
  });
  send({ type: 'ready' });
} else {
  send({ type: 'ready' });
  prepareLearnerFiles(job.files);
  await runFiles(job.files, job.stopOnFailure);
  await vitest.close();
  send({ type: 'done' });
}
