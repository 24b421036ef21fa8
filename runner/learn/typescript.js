// TypeScript's own errors for the learner's file, next to the verdict: a typo such as
// `socket.wirte` is named ("Did you mean 'write'?") before it becomes a runtime TypeError.
// The work happens in typescript-child.js, started once and kept warm, at a lower CPU priority
// than the checks: the verdict never waits for it. Only the answer to the latest request counts.
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'typescript-child.js');

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

  function spawnChild() {
    const proc = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } });
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
      if (!closed) onReport('', { state: 'unavailable', reason: `the TypeScript checker stopped (${signal ?? `exit code ${code}`}) ${stderr.trim().split('\n').pop() ?? ''}`.trim() });
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
    },
    close() {
      closed = true;
      child?.kill();
    },
  };
}
