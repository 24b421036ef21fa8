// The process that runs the hidden tests. Started by run-checks.js as the leader of its own
// process group, so the parent can end it and anything learner code spawned in one kill.
// Job (argv[2], JSON): { files: string[], exercisesDir: string, stopOnFailure: boolean }
import { createVitest } from 'vitest/node';
import { ipcReporter } from './reporter.js';
import { hiddenTestOptions } from './vitest-options.js';

const WATCHDOG_CHANNEL = 'netlings-watchdog'; // same name as runner/harness/watchdog.ts

/** @param {object} message */
const send = (message) => process.send?.(message);

// If the parent dies, take the whole group (including learner-spawned processes) with us.
process.on('disconnect', () => process.kill(-process.pid, 'SIGKILL'));

const job = JSON.parse(process.argv[2] ?? '{}');
process.env.NETLINGS_EXERCISES = job.exercisesDir;

const channel = new BroadcastChannel(WATCHDOG_CHANNEL);
channel.unref();
channel.onmessage = (/** @type {MessageEvent} */ event) => {
  const { type: kind, ...rest } = event.data;
  send({ type: 'watch', kind, ...rest });
};

const vitest = await createVitest('test', { ...hiddenTestOptions(), reporters: [ipcReporter(send)] }, {}, { stdout: process.stdout, stderr: process.stderr });
send({ type: 'ready' });
const project = vitest.getRootProject();
for (const file of job.files) {
  const { testModules } = await vitest.runTestSpecifications([project.createSpecification(file)]);
  if (job.stopOnFailure && !testModules.every((m) => m.ok())) break;
}
await vitest.close();
send({ type: 'done' });
