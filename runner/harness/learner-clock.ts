// Time passing for the learner's timers without the check waiting for it. A check that must show
// what learner code does "after a while" (a deadline in stop() that cuts open connections after
// some seconds) cannot sleep: it would be slow, and never long enough for a longer deadline.
// Instead the learner's timers run on a fake clock that the check moves forward at will. The
// checks' own deadlines are unaffected: the harness uses the timers saved in clock.ts.
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import { vi } from 'vitest';
import { setImmediate } from './clock.ts';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

type Timers = Pick<typeof timers, 'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval'>;
const NAMES = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const;
let saved: { timers: Timers; sleep: typeof timersPromises.setTimeout } | undefined;

/** Undoes `fakeLearnerClock()`: real timers again (fake timers still pending are dropped). */
export function restoreLearnerClock(): void {
  if (!saved) return;
  vi.useRealTimers();
  Object.assign(timers, saved.timers);
  timersPromises.setTimeout = saved.sleep;
  syncBuiltinESMExports();
  saved = undefined;
}

/** node:timers/promises' setTimeout on the (fake) global timers. */
function fakeSleep<T>(ms?: number, value?: T, options: { signal?: AbortSignal } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) return reject(signal.reason);
    const timer = globalThis.setTimeout(() => resolve(value as T), ms);
    signal?.addEventListener('abort', () => (globalThis.clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

/**
 * From now on, setTimeout, setInterval and Date run on a fake clock, also when the learner's code
 * took them from node:timers or node:timers/promises, until the end of the check. It keeps pace
 * with real time, and `pass(ms)` makes it jump ahead. Call it just before the learner call whose
 * timers matter. (`restore()` early would drop the learner's pending timers: avoid it.)
 */
export function fakeLearnerClock() {
  restoreLearnerClock();
  saved = { timers: Object.fromEntries(NAMES.map((n) => [n, timers[n]])) as unknown as Timers, sleep: timersPromises.setTimeout };
  // shouldAdvanceTime: between the jumps, the fake clock follows the real one, so the learner's
  // timers keep working for the rest of the check (a stop() that polls on a timer still resolves).
  vi.useFakeTimers({ toFake: [...NAMES, 'Date'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
  // vitest fakes the globals only: the modules get the same fakes, and named imports of them
  // (`import { setTimeout } from 'node:timers/promises'`), copies made when the learner's module
  // loaded, are brought in line by syncBuiltinESMExports().
  for (const n of NAMES) (timers as unknown as Record<string, unknown>)[n] = globalThis[n];
  timersPromises.setTimeout = fakeSleep as typeof timersPromises.setTimeout;
  syncBuiltinESMExports();
  return {
    /**
     * Moves the fake clock forward by `ms`, a minute at a time, letting the event loop turn after
     * each step: a timer set by code that awaited an earlier timer gets its turn too.
     */
    async pass(ms: number): Promise<void> {
      for (let done = 0; done < ms && saved; done += 60_000) {
        vi.advanceTimersByTime(Math.min(60_000, ms - done));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    restore: restoreLearnerClock,
  };
}

onCheckEnd(AFTER_CHECK.clock, restoreLearnerClock);
