// The process that runs the hidden tests, started by launch.js behind a guard (a sandbox, or
// the fallback supervisor). Learner code runs in its worker thread; this main thread stays free
// and forwards everything to the CLI over IPC: vitest's events, the worker's heartbeats, steps
// and results (watchdog channel), its own pulse with the memory in use, and after each lesson
// the processes learner code left running (which it stops).
// Job (argv[2], JSON): { files, exercisesDir, stopOnFailure, mode: 'run' | 'warm', guard, runId, moduleCacheDir }
// The CLI's first message is the key every message back is signed with (channel.js).
import { syncBuiltinESMExports } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import workerThreads from 'node:worker_threads';
import { signer } from './channel.js';
import { toFailure } from './failures.js';
import { HEAP_MB, LEFTOVER_GRACE_MS } from './limits.js';
import { isAlive, markedProcesses, namespaceProcesses, stopProcesses } from './sweep.js';

const WATCHDOG_CHANNEL = 'netlings-watchdog'; // same name as runner/harness/watchdog.ts

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
class TestWorker extends BaseWorker {
  /** @param {ConstructorParameters<typeof BaseWorker>} args */
  constructor(...args) {
    const [file, options = {}] = args;
    super(file, { ...options, resourceLimits: { ...options.resourceLimits, maxOldGenerationSizeMb: HEAP_MB } });
    this.on('error', (err) => {
      if (/** @type {NodeJS.ErrnoException} */ (err)?.code === 'ERR_WORKER_OUT_OF_MEMORY') send({ type: 'oom', mb: HEAP_MB });
      else send({ type: 'worker-error', message: describe(err) });
    });
  }
}
workerThreads.Worker = TestWorker;
syncBuiltinESMExports();

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

const { createVitest } = await import('vitest/node');
const { ipcReporter } = await import('./reporter.js');
const { hiddenTestOptions, moduleCachePlugin } = await import('./vitest-options.js');
const options = { ...hiddenTestOptions({ moduleCacheDir: job.moduleCacheDir ?? null }), reporters: [ipcReporter(send)] };
const vitest = await createVitest('test', options, { plugins: [moduleCachePlugin()] }, { stdout: process.stdout, stderr: process.stderr });
send({ type: 'ready' });
if (job.mode === 'warm') {
  // Collecting imports every hidden test file and the harness, and no learner code.
  await vitest.collect();
} else {
  const project = vitest.getRootProject();
  for (const file of job.files) {
    const { testModules } = await vitest.runTestSpecifications([project.createSpecification(file)]);
    const processes = await sweep();
    if (processes.length) send({ type: 'leftovers', file, processes });
    if (job.stopOnFailure && !testModules.every((m) => m.ok())) break;
  }
}
await vitest.close();
send({ type: 'done' });
