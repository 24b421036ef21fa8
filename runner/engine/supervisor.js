// The fallback guard's supervisor (see launch.js): a small process between the CLI and the test
// process, so that learner code signalling its parent (`process.kill(process.ppid, ...)`) hits
// this process instead of the one that reports. Catchable signals are reported and otherwise
// ignored; SIGKILL and SIGSTOP cannot be caught, but the CLI sees them (exit, silence) and says so.
// Messages are relayed both ways. If the CLI goes away, the run's processes are swept.
// argv: <vitest-child.js> <job JSON>
import { spawn } from 'node:child_process';
import { markedProcesses, stopProcesses } from './sweep.js';
import { childEnv, childFlags } from './test-env.js';

const [script, jobJson] = process.argv.slice(2);
const job = JSON.parse(jobJson ?? '{}');
/** @param {object} msg */
const send = (msg) => {
  try {
    process.send?.(msg);
  } catch {
    // The CLI is gone: the disconnect handler sweeps.
  }
};

for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR2', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGALRM', 'SIGPIPE'])) {
  process.on(signal, () => send({ type: 'signalled', signal, target: 'supervisor' }));
}

const child = spawn(process.execPath, [...childFlags(job.mode), script, jobJson], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...childEnv(job.mode) } });
// The test process's messages are relayed wrapped, so that learner code writing to its channel
// can never pass for this process; the CLI checks their signatures.
child.on('message', (packet) => send({ relay: packet }));
process.on('message', (msg) => child.connected && child.send(/** @type {any} */ (msg)));

// Bytes on the channel that are not a message (learner code writing to it) make node's parser
// throw here: say so and end the run.
process.on('uncaughtException', (err) => {
  send({ type: 'garbled', message: String(err?.message).slice(0, 200) });
  stopProcesses(markedProcesses(job.runId, { exclude: [process.pid] }));
  setTimeout(() => process.exit(1), 200);
});

child.on('exit', (code, signal) => {
  // The CLI learns how the test process ended from this message, not from our own exit.
  process.send?.({ type: 'test-exit', code, signal }, () => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});

process.on('disconnect', () => {
  stopProcesses(markedProcesses(job.runId, { exclude: [process.pid] }));
  try {
    process.kill(-process.pid, 'SIGKILL');
  } finally {
    process.exit(1);
  }
});
