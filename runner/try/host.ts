// The process behind `npm run try`: runs under tsx, loads the learner's file and the lesson's
// try adapter, starts it, and reports over IPC to runner/try/session.js. Stops cleanly on
// SIGINT/SIGTERM or when its parent goes away: servers closed, the temporary folder removed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TryAdapter, TrySession } from './types.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const adapterFile = process.env.NETLINGS_TRY_ADAPTER ?? '';
const exerciseFile = process.env.NETLINGS_TRY_EXERCISE ?? '';
const shown = (file: string) => {
  const rel = path.relative(ROOT, file);
  return rel.startsWith('..') ? file : rel;
};

interface Problem {
  message: string;
  hint?: string;
  location?: string;
}
class TryProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}
const send = (message: object) => process.send?.(message);

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${err.name}${code && !err.message.includes(code) ? ` [${code}]` : ''}: ${err.message}`;
  }
  return `a non-Error value: ${String(err)}`;
}

/** The first stack frame in the learner's file, as `exercises/x.ts:12:5`. */
function locate(err: unknown): string | undefined {
  const stack = err instanceof Error ? err.stack ?? '' : '';
  for (const line of stack.split('\n')) {
    const m = line.match(/\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/);
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (file === exerciseFile) return `${shown(file)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

const isTodo = (err: unknown) => err instanceof Error && /^TODO\b/.test(err.message);

async function load<T>(exports: string[]): Promise<T> {
  const file = shown(exerciseFile);
  if (!existsSync(exerciseFile)) throw new TryProblem({ message: `${file} is missing`, hint: `Restore it: npm run reset ${path.basename(exerciseFile, '.ts')}` });
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(exerciseFile).href);
  } catch (err) {
    throw new TryProblem({ message: `${file} could not be loaded: ${describeError(err)}`, location: locate(err), hint: 'Fix the error above; code at the top level of the file runs on import.' });
  }
  const wrapped: Record<string, unknown> = { ...mod };
  for (const name of exports) {
    const fn = mod[name];
    if (typeof fn !== 'function') {
      throw new TryProblem({ message: `${file} must export a function named ${name}`, hint: `Keep the stub's signature: export function ${name}(...) { ... }` });
    }
    // A TODO or a throw when the adapter calls it: the same words verify uses.
    wrapped[name] = (...args: unknown[]) => {
      try {
        return (fn as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        if (isTodo(err)) throw new TryProblem({ message: `${name}() is not written yet: it still throws its TODO error`, hint: `Open ${file} and replace the TODO in ${name}().` });
        throw new TryProblem({ message: `${name}() threw ${describeError(err)}`, location: locate(err), hint: `${name}() should not throw here: look at the line above.` });
      }
    };
  }
  return wrapped as T;
}

const tmpDir = mkdtempSync(path.join(tmpdir(), 'netlings-try-'));
let session: TrySession | undefined;
let stopping = false;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  try {
    await Promise.race([session?.close(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
    process.exit(code);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
process.on('disconnect', () => void stop(0));
// The learner's server crashing is what would happen in a real program too: say why and stop.
process.on('uncaughtException', (err) => {
  send({ type: 'crashed', message: `your code crashed: an error escaped from an event handler (${describeError(err)})`, location: locate(err) });
  void stop(1);
});

try {
  const adapter = (await import(pathToFileURL(adapterFile).href)).default as TryAdapter;
  session = await adapter({ load, port: Number(process.env.NETLINGS_TRY_PORT) || 0, host: '127.0.0.1', tmpDir });
  send({ type: 'ready', what: session.what, placeholders: session.placeholders });
} catch (err) {
  const problem: Problem =
    err instanceof TryProblem
      ? err.problem
      : (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE'
        ? { message: `the port is already in use (${describeError(err)})`, hint: 'Choose another with --port, or leave it out and let the system pick a free one.' }
        : { message: `your code could not be started: ${describeError(err)}`, location: locate(err) };
  send({ type: 'failed', ...problem });
  await stop(1);
}
