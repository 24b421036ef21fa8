// The learner's server in a separate process, for checks about talking between processes.
// The child is started with fork() (so it has an IPC channel) under tsx, killed after the
// check (unix.ts's trackChild), and exits by itself if this process goes away.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LessonFailure } from './failure.ts';
import { exercisesDir, displayPath } from './exercise.ts';
import { trackChild } from './unix.ts';
import { within } from './wait.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROGRAM = path.join(ROOT, 'runner', 'harness', 'child-server.ts');
/** Starting Node with tsx and compiling the learner's file takes ~0.5 s; generous when busy. */
const START_MS = 10_000;

type ChildMessage = { type: 'ready'; pid: number } | { type: 'todo' } | { type: 'failed' | 'crashed'; message: string };

/**
 * Runs `factory()` from the learner's file for `lessonId` in a forked child process and listens
 * the server it returns on `listenPath`. Resolves with the child's pid once it listens.
 */
export async function serveInChild(lessonId: string, factory: string, listenPath: string): Promise<{ pid: number }> {
  const file = path.join(exercisesDir(), `${lessonId}.ts`);
  const child = trackChild(
    fork(PROGRAM, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: { ...process.env, NETLINGS_CHILD_MODULE: file, NETLINGS_CHILD_FACTORY: factory, NETLINGS_CHILD_LISTEN: listenPath },
    }),
  );
  const first = new Promise<ChildMessage | { type: 'exit'; code: number | null }>((resolve) => {
    child.once('message', (m) => resolve(m as ChildMessage));
    child.once('exit', (code) => resolve({ type: 'exit', code }));
  });
  const message = await within(first, `${factory}() to listen in a separate process (a forked child)`, { ms: START_MS });
  if (message.type === 'ready') return { pid: message.pid };
  const shown = displayPath(file);
  if (message.type === 'todo') {
    throw new LessonFailure({ kind: 'todo', message: `${factory}() is not written yet: it still throws its TODO error`, hint: `Open ${shown} and replace the TODO in ${factory}().` });
  }
  throw new LessonFailure({
    kind: 'crash',
    message: `your server could not run in a separate process: ${message.type === 'exit' ? `the process stopped (exit code ${message.code})` : message.message}`,
    hint: `The check runs ${factory}() from ${shown} in a child process and listens on a socket path; it works the same there as in the checks above.`,
  });
}
