// The test worker's side of the runner's watchdog.
//
// A synchronous infinite loop in learner code blocks this worker thread: no test timeout can fire.
// The runner's parent process therefore watches from outside: this module posts a heartbeat and
// the current step ("waiting for your server to send the greeting") on a BroadcastChannel, which
// the vitest process's main thread (never blocked by learner code) forwards to the parent. When
// the heartbeat stops, the parent knows the worker is stuck and what it was doing.
import { expect } from 'vitest';
import { setInterval } from './clock.ts';

export const WATCHDOG_CHANNEL = 'netlings-watchdog';
const BEAT_MS = 200;

const channel = new BroadcastChannel(WATCHDOG_CHANNEL);
// Neither the channel nor the timer may keep a finished worker alive.
channel.unref();
setInterval(() => channel.postMessage({ type: 'beat' }), BEAT_MS).unref();

let current = '';

/** Records what the running check is doing now, for the hang message. */
export function step(text: string): void {
  current = text;
  channel.postMessage({ type: 'step', test: expect.getState().currentTestName ?? '', text });
}

export function currentStep(): string {
  return current;
}
