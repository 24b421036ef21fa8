// Calling functions the learner's code hands back (methods of an object it resolved with, an
// injected callback's result) and watching their promises settle, with the same clear failures
// as `Exercise.call`: a leftover TODO is "not written yet", a throw names the learner's line.
import { LessonFailure, fail } from './failure.ts';
import { codingSlip, learnerLocation } from './exercise.ts';
import { step } from './watchdog.ts';

const isTodo = (err: unknown) => err instanceof Error && /^TODO\b/.test(err.message);

function todoFailure(name: string): LessonFailure {
  return new LessonFailure({ kind: 'todo', message: `${name} is not written yet: it still throws its TODO error`, hint: `Replace the TODO in ${name}.` });
}

/**
 * Calls `fn` (a learner function, shown as `name`, e.g. "stop()") and returns its result as a
 * promise. A synchronous throw or a TODO rejection becomes a failure; any other rejection is
 * passed on for the check to judge (a rejection may be the right answer).
 */
export function callLearner<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  step(`calling ${name}`);
  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (err) {
    if (isTodo(err)) return Promise.reject(todoFailure(name));
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return Promise.reject(
      new LessonFailure({ kind: 'threw', message: `${name} threw ${what}`, location: learnerLocation(err), hint: `${name} should not throw here: look at the line above.` }, { cause: err }),
    );
  }
  const promise = Promise.resolve(result).catch((err: unknown) => {
    throw isTodo(err) ? todoFailure(name) : (codingSlip(name, err) ?? err);
  });
  promise.catch(() => {}); // the check awaits it; never an unhandled rejection
  return promise;
}

export type Settled<T> = { state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown };

/** Follows a promise so a check can ask, at any moment, whether it has settled yet. */
export function watchSettle<T>(promise: Promise<T>): { readonly now: Settled<T>; readonly promise: Promise<T> } {
  let now: Settled<T> = { state: 'pending' };
  promise.then(
    (value) => (now = { state: 'resolved', value }),
    (error: unknown) => (now = { state: 'rejected', error }),
  );
  return {
    get now() {
      return now;
    },
    promise,
  };
}

/**
 * Calls the method `name` of an object the learner's code handed back (`owner` says where it
 * came from, e.g. "what startEchoServer() resolved with"), failing clearly when it is missing.
 */
export function callMethod<T>(obj: object, name: string, owner: string): Promise<T> {
  const fn = (obj as Record<string, unknown>)[name];
  if (typeof fn !== 'function') {
    fail({
      message: `${owner} has no ${name}() function`,
      expected: `a function ${name}()`,
      actual: fn === undefined ? 'missing' : `a ${typeof fn}`,
      hint: `Add ${name}() to that object (see the interface in the stub).`,
    });
  }
  return callLearner(`${name}()`, () => (fn as () => T).call(obj));
}

/** Runs a wait; if it fails, its hint becomes the one `hint()` picks from what was observed then. */
export async function withHint<T>(wait: Promise<T>, hint: () => string): Promise<T> {
  try {
    return await wait;
  } catch (err) {
    const kind = err instanceof LessonFailure ? err.netlings.kind : undefined;
    if (kind === 'assertion' || kind === 'timeout' || kind === 'crash') (err as LessonFailure).netlings.hint = hint();
    throw err;
  }
}
