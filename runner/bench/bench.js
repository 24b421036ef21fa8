#!/usr/bin/env node
// `npm run bench`: how fast verify is, measured (never asserted in tests).
// Medians over several runs of: verify of lesson 01 on the solution (the runner alone, and
// through npm), a raw vitest run of the same test file, and the whole course on solutions/;
// plus the peak memory of each command's process tree.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
const node = process.execPath;
const cli = path.join(ROOT, 'runner', 'bin', 'netlings.js');
const vitestBin = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** Resident memory of a process and all its descendants, in bytes (Linux /proc; 0 elsewhere). */
function treeRss(/** @type {number} */ rootPid) {
  let children;
  try {
    children = new Map();
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
    return 0;
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = /** @type {number} */ (stack.pop());
    try {
      const rss = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // Gone already.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * Runs a command once; resolves with its wall time and the peak RSS of its process tree.
 * @param {string[]} argv
 * @param {Record<string, string>} env
 */
function timeOnce(argv, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRss(/** @type {number} */ (child.pid)))), 25);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearInterval(sampler);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code}\n${err}`));
      else resolve({ ms, peak });
    });
  });
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** @type {{ name: string, argv: string[], env?: Record<string, string> }[]} */
const cases = [
  { name: 'verify 01 on the solution (node runner/bin/netlings.js)', argv: [node, cli, 'verify', '01-tcp-handshake', '--exercises', 'solutions'] },
  { name: 'npm run verify 01-tcp-handshake -- --exercises solutions', argv: ['npm', 'run', '--silent', 'verify', '01-tcp-handshake', '--', '--exercises', 'solutions'] },
  { name: 'raw vitest run of the same test file', argv: [node, vitestBin, 'run', '--config', 'runner/vitest.config.js', '01-tcp-handshake'], env: { NETLINGS_EXERCISES: 'solutions' } },
  { name: 'verify, whole course on solutions/', argv: [node, cli, 'verify', '--exercises', 'solutions'] },
];

console.log(`netlings bench: ${runs} runs each (plus one warm-up), median wall time and peak memory of the process tree`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}\n`);
/** @type {Record<string, number>} */
const medians = {};
for (const c of cases) {
  await timeOnce(c.argv, c.env ?? {}); // warm-up: disk cache, vite's first transform
  const results = [];
  for (let i = 0; i < runs; i++) results.push(/** @type {{ ms: number, peak: number }} */ (await timeOnce(c.argv, c.env ?? {})));
  const ms = median(results.map((r) => r.ms));
  const peak = Math.max(...results.map((r) => r.peak));
  medians[c.name] = ms;
  const spread = `${Math.min(...results.map((r) => r.ms)).toFixed(0)}–${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms`;
  console.log(`${(ms / 1000).toFixed(3).padStart(7)} s  ${c.name}\n${' '.repeat(11)}range ${spread}, peak ${peak ? `${(peak / 2 ** 20).toFixed(0)} MiB` : 'n/a'}`);
}
const ratio = medians[cases[0].name] / medians[cases[2].name];
console.log(`\nverify / raw vitest: ${ratio.toFixed(2)}× (target ≤ 1.15×); verify of one lesson: ${(medians[cases[0].name] / 1000).toFixed(3)} s (target ≤ 1.0 s)`);
