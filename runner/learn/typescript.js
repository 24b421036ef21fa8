// TypeScript's own errors for the learner's file, next to the verdict: a typo such as
// `socket.wirte` is named ("Did you mean 'write'?") before it becomes a runtime TypeError.
// The work happens in typescript-child.js, started once and kept warm, at a lower CPU priority
// than the checks, and asked only once the verdict is in (app.js; or after 0.5 s of a run that
// takes long): the verdict never waits for it. Only the answer to the latest request counts.
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'typescript-child.js');
/**
 * Most of the child's memory is TypeScript's own code (~120 MB resident) and @types/node; these
 * V8 flags trim ~50 MB at no cost to a re-check (~20–40 ms). --no-opt (no optimised machine code
 * for TypeScript's hot functions) alone saves ~20 MB PSS (134 → 113 MB) and makes the first check,
 * which is off the verdict's path, ~0.8 s longer (3.0 → 3.8 s). Idle this long, the child ends
 * and gives its memory back; the next save starts it again.
 */
const V8_FLAGS = ['--optimize-for-size', '--max-semi-space-size=1', '--no-opt'];
export const IDLE_MS = 5 * 60_000;

/** @typedef {import('./typescript-child.js').Diagnostic} Diagnostic */
/** @typedef {{ state: 'checking' } | { state: 'done', diagnostics: Diagnostic[] } | { state: 'unavailable', reason: string }} TypeReport */

/**
 * @param {(file: string, report: TypeReport) => void} onReport
 */
export function startTypeChecker(onReport) {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let latest = 0;
  let closed = false;
  /** @type {NodeJS.Timeout | undefined} */
  let idle;
  /** Children ended for being idle: their exit is not news. */
  const idled = new WeakSet();

  function spawnChild() {
    const proc = fork(CHILD, [], { execArgv: V8_FLAGS, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } });
    try {
      if (proc.pid) setPriority(proc.pid, 10);
    } catch {
      // Not permitted here (some containers): it still works, only less politely.
    }
    let stderr = '';
    proc.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    proc.on('message', (/** @type {any} */ msg) => {
      if (msg.id !== latest) return;
      onReport(msg.file, msg.error ? { state: 'unavailable', reason: msg.error } : { state: 'done', diagnostics: msg.diagnostics });
    });
    proc.on('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (!closed && !idled.has(proc)) onReport('', { state: 'unavailable', reason: `the TypeScript checker stopped (${signal ?? `exit code ${code}`}) ${stderr.trim().split('\n').pop() ?? ''}`.trim() });
    });
    return proc;
  }

  return {
    /** Type-checks `file` as it is on disk now. @param {string} file */
    check(file) {
      if (closed) return;
      child ??= spawnChild();
      latest++;
      onReport(file, { state: 'checking' });
      child.send({ id: latest, file });
      clearTimeout(idle);
      const current = child;
      idle = setTimeout(() => {
        idled.add(current);
        current.kill();
      }, IDLE_MS);
      idle.unref();
    },
    close() {
      closed = true;
      clearTimeout(idle);
      child?.kill();
    },
  };
}
