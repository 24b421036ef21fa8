// Loading the learner's file and calling into it, turning every way it can go wrong into a
// message that names the file, the export and what to do.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { clearTimeout, setImmediate, setTimeout } from './clock.ts';
import { LessonFailure } from './failure.ts';
import { abortWaits } from './wait.ts';
import { step } from './watchdog.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Importing the learner's file may take this long (it is compiled first, on a busy machine too). */
const LOAD_DEADLINE_MS = 8000;

/** Reads something off a value learner code threw, which may be a Proxy or have throwing getters. */
function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** The folder of learner files under test: `NETLINGS_EXERCISES`, else `exercises/`. */
export function exercisesDir(): string {
  return path.resolve(ROOT, process.env.NETLINGS_EXERCISES ?? 'exercises');
}

/** A path as the learner should see it: relative to the repository when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(ROOT, file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

/** The first stack frame inside the learner's folder, as `exercises/x.ts:12:5`. */
export function learnerLocation(err: unknown): string | undefined {
  const stack = safely(() => (err instanceof Error && typeof err.stack === 'string' ? err.stack : ''), '');
  const dir = exercisesDir();
  for (const line of stack.split('\n')) {
    const m = line.match(/\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/);
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (file.startsWith(dir + path.sep)) return `${displayPath(file)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

function describeError(err: unknown): string {
  return safely(() => {
    if (err instanceof Error) {
      const code = (err as NodeJS.ErrnoException).code;
      return `${err.name}${code && !String(err.message).includes(code) ? ` [${code}]` : ''}: ${err.message}`;
    }
    return `a non-Error value: ${typeof err === 'symbol' ? err.toString() : String(err)}`;
  }, 'a value whose properties throw when read');
}

const isTodo = (err: unknown) => safely(() => err instanceof Error && /^TODO\b/.test(String(err.message)), false);
/** The error itself as the failure's cause, when it is a readable Error (vitest serialises it). */
const causeOf = (err: unknown) => (safely(() => err instanceof Error && typeof err.stack === 'string', false) ? { cause: err } : undefined);

const SLIP = /is not a function|is not a constructor|is not iterable|is not defined|Cannot (read|set) properties of (undefined|null)/;

/**
 * A rejection that is a slip in the code itself (a misspelt method, a call on undefined), which
 * no contract asks for, as a failure that names the learner's line. Anything else: undefined, and
 * the check judges the rejection (it may be the right answer).
 */
export function codingSlip(name: string, err: unknown): LessonFailure | undefined {
  const slip = safely(
    () => err instanceof Error && !(err as NodeJS.ErrnoException).code && (err.name === 'ReferenceError' || (err.name === 'TypeError' && SLIP.test(String(err.message)))),
    false,
  );
  if (!slip) return undefined;
  return new LessonFailure(
    {
      kind: 'threw',
      message: `${name} failed with ${describeError(err)}`,
      location: learnerLocation(err),
      hint: 'That is a slip in the code itself (a misspelt name, or a value that is undefined there), not in the networking: look at the line above. npm run typecheck names such slips before you run the checks.',
    },
    causeOf(err),
  );
}

/** Hints for errors that escape learner callbacks, by error code. */
const CRASH_HINTS: Record<string, string> = {
  ECONNRESET:
    "A socket emitted 'error' and nothing listened, so Node threw it. Give every socket an 'error' listener: socket.on('error', ...).",
  EPIPE: "A socket emitted 'error' and nothing listened. Give every socket an 'error' listener, and stop writing once the other side has ended.",
  ERR_STREAM_WRITE_AFTER_END: 'Something wrote to a socket after end() was called on it. Once you end a connection, stop writing to it.',
  ERR_STREAM_DESTROYED: 'Something wrote to a socket after it was destroyed. Check that the connection is still open before writing.',
  ECONNREFUSED: "A connection was refused and the socket had no 'error' listener. Listen for 'error' and reject or report it.",
  EADDRINUSE: "The server could not listen (the port is taken) and emitted 'error' with nothing listening, so Node threw it. Listen for 'error' on the server and reject with it.",
  ERR_SERVER_NOT_RUNNING: "server.close() was called on a server that is not running, and the error escaped. Take it from close()'s callback argument and reject with it.",
  ERR_SOCKET_DGRAM_NOT_RUNNING: 'Something used a UDP socket after close() was called on it, such as a retry timer that was never cleared. Clear your timers when you close the socket, and stop using a socket once it is closed.',
};

/** Turns an error that escaped into an event handler into a learner-facing failure. */
export function crashFailure(err: unknown): LessonFailure {
  if (err instanceof LessonFailure) return err;
  const code = safely(() => String((err as NodeJS.ErrnoException | undefined)?.code ?? ''), '');
  const exit = safely(() => err instanceof Error && /process\.exit unexpectedly called/.test(err.message), false);
  return new LessonFailure(
    {
      kind: 'crash',
      message: exit
        ? 'your code called process.exit(), which would stop the whole program'
        : `your code crashed: an error escaped from an event handler (${describeError(err)})`,
      location: learnerLocation(err),
      hint: exit
        ? 'Exercise code must never exit the process: close your servers and sockets instead, and let errors reach the caller.'
        : CRASH_HINTS[code] ?? 'Errors thrown inside event handlers cannot be caught by the caller. Handle them where they happen.',
    },
    causeOf(err),
  );
}

// Errors that escape learner callbacks end the current wait at once instead of a timeout later.
process.on('uncaughtException', (err) => abortWaits(crashFailure(err)));
process.on('unhandledRejection', (err) => abortWaits(crashFailure(err)));

/** Socket-ish resources a module must not open just by being imported. */
// Not PipeWrap: a child process's stdio pipes are PipeWraps too, and they are not sockets.
const NET_RESOURCES = new Set(['TCPServerWrap', 'TCPSocketWrap', 'TCPWrap', 'UDPWrap', 'PipeServerWrap', 'GetAddrInfoReqWrap']);
const countNet = () => process.getActiveResourcesInfo().filter((r) => NET_RESOURCES.has(r)).length;

export interface Exercise<T> {
  /** Path as shown to the learner, e.g. `exercises/01-tcp-handshake.ts`. */
  readonly file: string;
  /** The named export, checked to be a function. */
  fn<K extends keyof T & string>(name: K): Promise<T[K]>;
  /** Calls a learner function, turning a TODO or a throw into a clear failure. */
  call<K extends keyof T & string>(
    name: K,
    ...args: T[K] extends (...a: infer A) => unknown ? A : never
  ): Promise<T[K] extends (...a: never[]) => infer R ? Awaited<R> : never>;
}

/**
 * The learner's module for a lesson. Loaded once per test file, on first use, so a file that
 * cannot load fails each check with the same clear message instead of breaking the test file.
 */
export function useExercise<T>(lessonId: string): Exercise<T> {
  const absolute = path.join(exercisesDir(), `${lessonId}.ts`);
  const file = displayPath(absolute);
  let loading: Promise<Record<string, unknown>> | undefined;

  const load = () =>
    (loading ??= (async () => {
      if (!existsSync(absolute)) {
        throw new LessonFailure({
          kind: 'load',
          message: `${file} is missing`,
          hint: `Restore it from git: git checkout -- ${file}`,
        });
      }
      step(`loading ${file}`);
      const before = countNet();
      let mod: Record<string, unknown>;
      let timer: ReturnType<typeof setTimeout> | undefined;
      // Top-level code that awaits something that never happens would hold the import forever.
      const tooLong = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new LessonFailure({
                kind: 'load',
                message: `importing ${file} did not finish within ${LOAD_DEADLINE_MS / 1000} s: code at the top level of the file is still waiting for something`,
                hint: 'Code at the top level runs when the checks import your file. Do not await there (a top-level await of a promise that never settles blocks the import); start things inside the exported functions.',
              }),
            ),
          LOAD_DEADLINE_MS,
        );
      });
      try {
        mod = (await Promise.race([import(pathToFileURL(absolute).href), tooLong])) as Record<string, unknown>;
      } catch (err) {
        if (err instanceof LessonFailure) throw err;
        throw new LessonFailure(
          {
            kind: 'load',
            message: `${file} could not be loaded: ${describeError(err)}`,
            location: learnerLocation(err),
            hint: 'The checks import your file before calling it. Fix the error above; code at the top level of the file runs on import.',
          },
          causeOf(err),
        );
      } finally {
        clearTimeout(timer);
      }
      // Listening or connecting happens a tick later (address lookup), so give it one.
      await new Promise((resolve) => setImmediate(resolve));
      if (countNet() > before) {
        throw new LessonFailure({
          kind: 'load',
          message: `importing ${file} opened a server or a socket`,
          hint: "Only export functions: the checks call them and listen() on what they return. Remove listen()/connect() calls from the top level of the file.",
        });
      }
      return mod;
    })());

  return {
    file,
    async fn(name) {
      const mod = await load();
      const value = mod[name];
      if (typeof value !== 'function') {
        throw new LessonFailure({
          kind: 'missing-export',
          message: `${file} must export a function named ${name}`,
          actual: value === undefined ? `there is no export named ${name}` : `${name} is a ${typeof value}`,
          hint: `Keep the stub's signature: export function ${name}(...) { ... }`,
        });
      }
      return value as T[typeof name];
    },
    async call(name, ...args) {
      const f = (await this.fn(name)) as unknown as (...a: unknown[]) => unknown;
      step(`calling ${name}()`);
      try {
        const result = f(...args);
        if (result instanceof Promise) {
          const checked = result.catch((err: unknown) => {
            throw codingSlip(`${name}()`, err) ?? err;
          });
          checked.catch(() => {}); // the caller awaits it; avoid a duplicate unhandled report
          return checked as never;
        }
        return result as never;
      } catch (err) {
        if (isTodo(err)) {
          throw new LessonFailure({ kind: 'todo', message: `${name}() is not written yet: it still throws its TODO error`, hint: `Open ${file} and replace the TODO in ${name}().` });
        }
        throw new LessonFailure(
          { kind: 'threw', message: `${name}() threw ${describeError(err)}`, location: learnerLocation(err), hint: `${name}() should not throw here: look at the line above.` },
          causeOf(err),
        );
      }
    },
  };
}

/**
 * Wraps a rejection from a learner promise: a TODO is reported as not written yet,
 * anything else as-is (the caller decides whether a rejection was expected).
 */
export function todoOrRethrow(name: string, file: string, err: unknown): never {
  if (isTodo(err)) throw new LessonFailure({ kind: 'todo', message: `${name}() is not written yet: it still throws its TODO error`, hint: `Open ${file} and replace the TODO in ${name}().` });
  throw err;
}
