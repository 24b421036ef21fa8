// Finding and stopping the processes learner code left running, and saying what they were.
//
// Three ways to find them, one per place we look from:
//   - inside the sandbox (own PID namespace): every process there except its init (pid 1) and
//     the test process is the learner's;
//   - from the host, a sandbox's processes are the descendants of its init (orphans are
//     re-parented to it, so double forks and setsid cannot leave the tree);
//   - without a sandbox: processes whose environment carries this run's NETLINGS_RUN_ID (the
//     test worker adds it to every spawn, even with a custom `env`), or that lead a process
//     group or session started by a process the test worker saw spawned.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export const RUN_ID_VAR = 'NETLINGS_RUN_ID';

/** @typedef {{ pid: number, command: string }} ProcessInfo */

const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** The command line of a process, shortened for a report line. */
export function commandOf(/** @type {number} */ pid) {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const text = args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
    return text.length > 80 ? `${text.slice(0, 77)}...` : text || `process ${pid}`;
  } catch {
    return `process ${pid}`;
  }
}

/** `{ ppid, pgid, sid, state }` from /proc/<pid>/stat, or undefined when it is gone. */
function statOf(/** @type {number} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), sid: Number(fields[3]) };
  } catch {
    return undefined;
  }
}

/** A dead process that nobody reaped yet is gone for our purposes. */
export function isAlive(/** @type {number} */ pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = HAS_PROC ? statOf(pid) : undefined;
  return stat ? stat.state !== 'Z' && stat.state !== 'X' : true;
}

/** Is the process stopped (SIGSTOP, SIGTSTP)? Linux only; false when unknown. */
export function isStopped(/** @type {number} */ pid) {
  const stat = HAS_PROC ? statOf(pid) : undefined;
  return stat?.state === 'T' || stat?.state === 't';
}

const numericDirs = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);

/** Inside a sandbox: every live process but its init and `exclude`. */
export function namespaceProcesses(/** @type {number[]} */ exclude) {
  if (!HAS_PROC) return [];
  return numericDirs()
    .filter((pid) => pid !== 1 && !exclude.includes(pid) && isAlive(pid))
    .map((pid) => ({ pid, command: commandOf(pid) }));
}

/** A process's pid inside its own PID namespace (the last NSpid field), or undefined. */
export function innerPid(/** @type {number} */ pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^NSpid:\s+([\d\s]+)$/m);
    return m ? Number(m[1].trim().split(/\s+/).pop()) : undefined;
  } catch {
    return undefined;
  }
}

/** Direct children of a process (Linux: /proc/<pid>/task/<tid>/children). */
function childrenOf(/** @type {number} */ pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** Every descendant of `root`, nearest first. */
export function descendants(/** @type {number} */ root) {
  /** @type {number[]} */
  const out = [];
  const queue = childrenOf(root);
  while (queue.length) {
    const pid = /** @type {number} */ (queue.shift());
    if (out.includes(pid)) continue;
    out.push(pid);
    queue.push(...childrenOf(pid));
  }
  return out;
}

/**
 * Without a sandbox: processes of this run that are still alive, except `exclude`.
 * @param {string} runId
 * @param {{ exclude?: number[], roots?: number[] }} options  roots: pids the test worker spawned
 * @returns {ProcessInfo[]}
 */
export function markedProcesses(runId, { exclude = [], roots = [] } = {}) {
  const skip = new Set([process.pid, ...exclude]);
  const rootSet = new Set(roots);
  if (!HAS_PROC) return psProcesses(rootSet, skip);
  const marker = `${RUN_ID_VAR}=${runId}`;
  const found = [];
  for (const pid of numericDirs()) {
    if (skip.has(pid)) continue;
    let marked = false;
    try {
      marked = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
    } catch {
      // Not ours to read (another user's process): not ours at all.
    }
    const stat = statOf(pid);
    if (!stat || stat.state === 'Z') continue;
    if (marked || rootSet.has(pid) || rootSet.has(stat.pgid) || rootSet.has(stat.sid)) found.push({ pid, command: commandOf(pid) });
  }
  return found;
}

/** No /proc (macOS): processes in the process groups of the roots, from `ps`. */
function psProcesses(/** @type {Set<number>} */ roots, /** @type {Set<number>} */ skip) {
  if (!roots.size) return [];
  let text = '';
  try {
    text = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'pgid=', '-o', 'command='], { encoding: 'utf8', timeout: 2000 });
  } catch {
    return [];
  }
  const found = [];
  for (const line of text.split('\n')) {
    const m = line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/);
    if (!m) continue;
    const [pid, pgid] = [Number(m[1]), Number(m[2])];
    if (!skip.has(pid) && (roots.has(pid) || roots.has(pgid))) found.push({ pid, command: m[3].slice(0, 80) });
  }
  return found;
}

/**
 * Stops every process in `list` with SIGKILL: it cannot be caught or ignored. Stopped
 * processes are killed too (SIGKILL works on them). Returns the ones that were alive.
 * @param {ProcessInfo[]} list
 */
export function stopProcesses(list) {
  const stopped = [];
  for (const p of list) {
    try {
      process.kill(p.pid, 'SIGKILL');
      stopped.push(p);
    } catch {
      // Gone already, or not ours to signal.
    }
  }
  return stopped;
}
