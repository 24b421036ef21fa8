// Memory of a process and all its descendants (Linux /proc; 0 elsewhere), for the benches.
// RSS counts pages shared between processes (node's own code, in every node process) once per
// process; PSS shares each such page out among the processes that map it, so the PSS of a tree
// is what it adds to the machine. Both are reported.
import { readFileSync, readdirSync } from 'node:fs';

/** @param {number} rootPid @returns {number[]} the root and every descendant */
function tree(rootPid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(entry));
        children.set(ppid, list);
      } catch {
        // The process ended while we looked: nothing to count.
      }
    }
  } catch {
    return [];
  }
  const all = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = /** @type {number} */ (stack.pop());
    all.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return all;
}

/** @param {string} file @param {RegExp} field */
const kB = (file, field) => {
  try {
    const m = readFileSync(file, 'utf8').match(field);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // gone already
  }
};

/** Resident memory of a process tree, bytes. */
export const treeRss = (/** @type {number} */ rootPid) => tree(rootPid).reduce((sum, pid) => sum + kB(`/proc/${pid}/status`, /^VmRSS:\s+(\d+) kB/m), 0);

/** Proportional set size of a process tree, bytes (shared pages divided among their users). */
export const treePss = (/** @type {number} */ rootPid) => tree(rootPid).reduce((sum, pid) => sum + kB(`/proc/${pid}/smaps_rollup`, /^Pss:\s+(\d+) kB/m), 0);

/** Resident memory per process of a tree: [command, bytes], largest first. */
export function treeBreakdown(/** @type {number} */ rootPid) {
  return tree(rootPid)
    .map((pid) => {
      let command = '';
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 2).join(' ').slice(0, 70);
      } catch {
        // gone
      }
      return /** @type {[string, number, number]} */ ([command, kB(`/proc/${pid}/status`, /^VmRSS:\s+(\d+) kB/m), kB(`/proc/${pid}/smaps_rollup`, /^Pss:\s+(\d+) kB/m)]);
    })
    .filter(([, rss]) => rss > 0)
    .sort((a, b) => b[1] - a[1]);
}
