// The program behind `serveInChild()` (child.ts): runs in a separate Node process, under tsx.
// It loads the learner's file, calls one server factory, listens on the socket path it was
// given and tells its parent over the IPC channel. It never outlives its parent.
import { pathToFileURL } from 'node:url';

const file = process.env.NETLINGS_CHILD_MODULE ?? '';
const factory = process.env.NETLINGS_CHILD_FACTORY ?? '';
const listenPath = process.env.NETLINGS_CHILD_LISTEN ?? '';

const send = (message: object) => process.send?.(message);
// The IPC channel closes when the parent goes: a crashed or killed test run leaves no process.
process.on('disconnect', () => process.exit(0));

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${err.name}${code && !err.message.includes(code) ? ` [${code}]` : ''}: ${err.message}`;
  }
  return `a non-Error value: ${String(err)}`;
}

process.on('uncaughtException', (err) => {
  send({ type: 'crashed', message: describe(err) });
  process.exit(1);
});

try {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const make = mod[factory];
  if (typeof make !== 'function') throw new Error(`there is no exported function ${factory}`);
  let server: { listen(path: string): unknown; once(event: string, f: (...a: unknown[]) => void): unknown };
  try {
    server = make();
  } catch (err) {
    if (err instanceof Error && /^TODO\b/.test(err.message)) {
      send({ type: 'todo' });
      process.exit(0);
    }
    throw err;
  }
  server.once('error', (err) => {
    send({ type: 'failed', message: `listening failed: ${describe(err)}` });
    process.exit(1);
  });
  server.once('listening', () => send({ type: 'ready', pid: process.pid }));
  server.listen(listenPath);
} catch (err) {
  send({ type: 'failed', message: describe(err) });
  process.exit(1);
}
