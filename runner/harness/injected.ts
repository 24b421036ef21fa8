// Functions a check hands to the learner's code (an async `compute`, an `admit` check) and then
// controls: every call is recorded with its arguments, and the check decides when and how each
// call's promise settles. That is how a check makes an answer come "later" deterministically:
// it settles the promise only after it has seen what the learner's code did meanwhile.
import { EventEmitter } from 'node:events';
import { until } from './wait.ts';

export interface InjectedCall<A extends unknown[], R> {
  readonly args: A;
  /** Settles the promise the learner's code got from this call (later calls are ignored). */
  resolve(value: R): void;
  reject(error: unknown): void;
  readonly settled: boolean;
}

export interface Injected<A extends unknown[], R> {
  /** The function to pass to the learner's code. */
  readonly fn: (...args: A) => Promise<R>;
  /** Every call so far, in order. */
  readonly calls: InjectedCall<A, R>[];
  /** Waits for the first call not returned by `call()` before that `match` accepts (any, without `match`). */
  call(waitingFor: string, hint: string, match?: (...args: A) => boolean): Promise<InjectedCall<A, R>>;
  /** Waits until there have been `n` calls in all. */
  callsReach(n: number, waitingFor: string, hint: string): Promise<void>;
}

/**
 * A function for the learner's code to call. With `answer`, each call settles by itself (still
 * asynchronously, like any real async function); without it, the check settles each call.
 */
export function injected<A extends unknown[], R>(answer?: (...args: A) => R | Promise<R>): Injected<A, R> {
  const calls: InjectedCall<A, R>[] = [];
  const taken = new Set<InjectedCall<A, R>>();
  const changes = new EventEmitter();
  const subscribe = (notify: () => void) => {
    changes.on('call', notify);
    return () => changes.off('call', notify);
  };
  const fn = (...args: A): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      let settled = false;
      const call: InjectedCall<A, R> = {
        args,
        resolve: (value) => void (settled || ((settled = true), resolve(value))),
        reject: (error) => void (settled || ((settled = true), reject(error))),
        get settled() {
          return settled;
        },
      };
      calls.push(call);
      changes.emit('call');
      if (answer) Promise.resolve().then(() => answer(...args)).then(call.resolve, call.reject);
    });
  return {
    fn,
    calls,
    call: async (waitingFor, hint, match) => {
      const found = await until(subscribe, () => calls.find((c) => !taken.has(c) && (!match || match(...c.args))), waitingFor, { hint });
      taken.add(found);
      return found;
    },
    callsReach: async (n, waitingFor, hint) => {
      await until(subscribe, () => (calls.length >= n ? true : undefined), waitingFor, { hint });
    },
  };
}
