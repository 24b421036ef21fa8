// Waiting with a deadline and a description: the only way the checks wait. No sleeps.
import { clearTimeout, setTimeout } from './clock.ts';
import { step } from './watchdog.ts';
import { LessonFailure } from './failure.ts';
import { note } from './timeline.ts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AFTER_CHECK, onCheckEnd, onCheckStart } from './lifecycle.ts';

/** How long one step may take. Loopback is fast; this is generous for busy machines. */
export const STEP_DEADLINE_MS = 3000;

/** The deadline for a wait that already timed out once in this test file. */
const REPEAT_DEADLINE_MS = 500;
/**
 * The deadline of a wait with the default deadline once any such wait in this test file timed
 * out. What it waits for takes milliseconds on loopback: a second is still generous on a busy
 * machine, and code that answers nothing (or only at the end) costs ~1 s per check, not 3.
 * Waits with a deadline of their own (a retry schedule, a 2 MB transfer) keep it.
 */
const AFTER_TIMEOUT_DEADLINE_MS = 1000;
const timedOut = new Set<string>();
let defaultTimedOut = false;

type Waiter = (err: LessonFailure) => void;
const waiters = new Set<Waiter>();
let pendingCrash: LessonFailure | undefined;

/**
 * Fails every wait in progress with `err` (used when learner code crashes in a callback), or,
 * if nothing is waiting, keeps it for the end-of-check hook to report.
 */
export function abortWaits(err: LessonFailure): void {
  if (waiters.size === 0) pendingCrash ??= err;
  for (const waiter of waiters) waiter(err);
}

/** The crash that happened while nothing was waiting, if any; clears it. */
export function takePendingCrash(): LessonFailure | undefined {
  const err = pendingCrash;
  pendingCrash = undefined;
  return err;
}

export interface WaitOptions {
  /** How long to wait, in milliseconds. */
  ms?: number;
  /** Extra sentence for the timeout message, e.g. what arrived so far. */
  detail?: () => string | undefined;
  /** A hint, or a function that picks one from what was observed by the time of the timeout. */
  hint?: string | (() => string | undefined);
}

/**
 * Resolves with `promise`, or fails after the deadline with "waited N s for <waitingFor>".
 * `waitingFor` completes the sentence "waiting for …", e.g. "the reply to \"hi\"".
 */
export function within<T>(promise: Promise<T>, waitingFor: string, options: WaitOptions = {}): Promise<T> {
  // Something that already timed out in an earlier check gets a short deadline: code that
  // never greets would otherwise cost the full deadline in every check. Correct code is never
  // affected, as it never times out.
  const again = timedOut.has(waitingFor);
  const usual = options.ms ?? (defaultTimedOut ? AFTER_TIMEOUT_DEADLINE_MS : STEP_DEADLINE_MS);
  const ms = again ? Math.min(REPEAT_DEADLINE_MS, usual) : usual;
  const shortened = !again && options.ms === undefined && defaultTimedOut;
  step(`waiting for ${waitingFor}`);
  note('wait', waitingFor);
  const crash = takePendingCrash();
  if (crash) return Promise.reject(crash);
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(onCrash);
    };
    const onCrash: Waiter = (err) => {
      done();
      reject(err);
    };
    const timer = setTimeout(() => {
      done();
      timedOut.add(waitingFor);
      if (options.ms === undefined) defaultTimedOut = true;
      const detail = options.detail?.();
      const earlier = again ? ' (nor in an earlier check)' : shortened ? ` (a shorter wait: an earlier check already waited ${STEP_DEADLINE_MS / 1000} s for your code)` : '';
      reject(
        new LessonFailure({
          kind: 'timeout',
          message: `waited ${ms / 1000} s for ${waitingFor}, but it did not happen${earlier}`,
          actual: detail,
          hint: typeof options.hint === 'function' ? options.hint() : options.hint,
        }),
      );
    }, ms);
    waiters.add(onCrash);
    promise.then(
      (value) => {
        done();
        resolve(value);
      },
      (err: unknown) => {
        done();
        reject(err);
      },
    );
  });
}

/**
 * Waits until `check()` returns something other than undefined, re-checking whenever
 * `subscribe`'s callback fires (an event, never a timer).
 */
export function until<T>(
  subscribe: (notify: () => void) => () => void,
  check: () => T | undefined,
  waitingFor: string,
  options: WaitOptions = {},
): Promise<T> {
  let unsubscribe = () => {};
  const settled = new Promise<T>((resolve, reject) => {
    const test = () => {
      try {
        const value = check();
        if (value !== undefined) resolve(value);
      } catch (err) {
        reject(err);
      }
    };
    unsubscribe = subscribe(test);
    test();
  });
  return within(settled, waitingFor, options).finally(() => unsubscribe());
}

// Nothing from an earlier check may be blamed on this one; and a crash that happened while the
// check was not waiting for anything is reported once everything is closed (it would otherwise be
// lost or blamed on the next check).
onCheckStart(() => {
  takePendingCrash();
});
onCheckEnd(AFTER_CHECK.crash, async () => {
  await nextTurn(); // unhandled rejections are reported after the microtask queue drains
  const crash = takePendingCrash();
  if (crash) throw crash;
});
