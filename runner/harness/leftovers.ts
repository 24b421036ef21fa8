// What the learner's code leaves running after its promise settled: UDP sockets it did not close
// and timers it did not clear. Either keeps a real program alive (a CLI that got its answer but
// cannot exit) and a stray retry timer fires later into a closed socket.
//
// Timers are seen through async_hooks: a Timeout created while a probe is on, with the learner's
// file on the stack, belongs to the learner. It counts as pending while it is neither cleared
// nor fired and still keeps the process alive (unref'd timers, such as AbortSignal.timeout()'s,
// do not). Sockets and the times of send() calls come from udp-tracking.ts.
import { createHook } from 'node:async_hooks';
import type dgram from 'node:dgram';
import { exercisesDir } from './exercise.ts';
import { fail } from './failure.ts';
import { learnerSendTimes, learnerUdp, udpChanges } from './udp-tracking.ts';
import { until } from './wait.ts';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

interface TimerResource {
  _destroyed?: boolean;
  hasRef?: () => boolean;
}

const timers = new Set<TimerResource>();
let probing = 0;

function learnerOnStack(): boolean {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  // Plain V8 frames are cheap and enough to find a file name; no source maps needed.
  Error.stackTraceLimit = 40;
  (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  Error.prepareStackTrace = prepare;
  return stack.includes(exercisesDir());
}

const hook = createHook({
  init(_id, type, _trigger, resource) {
    if (type === 'Timeout' && learnerOnStack()) timers.add(resource as TimerResource);
  },
});

const pending = (t: TimerResource) => !t._destroyed && (t.hasRef?.() ?? true);

export interface Probe {
  /**
   * Fails unless every UDP socket the learner opened since the probe started is closed (waiting
   * up to `ms` for them to close) and none of its timers is still pending.
   */
  expectNothingLeft(what: string, hint: string, ms?: number): Promise<void>;
  /** When the learner's code called send() since the probe started (performance.now() ms). */
  sendTimes(): number[];
  stop(): void;
}

/** Starts watching the learner's sockets and timers; call before calling the learner's code. */
export function startProbe(): Probe {
  const socketsBefore = new Set<dgram.Socket>(learnerUdp);
  const firstSend = learnerSendTimes.length;
  if (probing++ === 0) hook.enable();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (--probing === 0) {
      hook.disable();
      timers.clear();
    }
  };
  const openSockets = () => [...learnerUdp].filter((s) => !socketsBefore.has(s));
  return {
    stop,
    sendTimes: () => learnerSendTimes.slice(firstSend),
    async expectNothingLeft(what, hint, ms = 1000) {
      try {
        await until(
          (notify) => {
            udpChanges.on('change', notify);
            return () => udpChanges.off('change', notify);
          },
          () => (openSockets().length === 0 ? true : undefined),
          `${what} to close its UDP socket`,
          { ms, hint, detail: () => `${openSockets().length} socket(s) of yours still open` },
        );
        const left = [...timers].filter(pending).length;
        if (left) {
          fail({
            message: `${what} left ${left} timer(s) running after its promise settled`,
            expected: 'every timer cleared once the promise resolves or rejects',
            actual: `${left} timer(s) still pending: the program cannot exit until they fire`,
            hint,
          });
        }
      } finally {
        stop();
      }
    },
  };
}

/** Turns every probe off (after each check), so a failed check cannot leave the hook on. */
export function stopProbes(): void {
  if (probing > 0) hook.disable();
  probing = 0;
  timers.clear();
}

onCheckEnd(AFTER_CHECK.probes, stopProbes);
