#!/usr/bin/env node
// Batch grading, measured once (`node runner/bench/grade-bench.js [--students=30] [--lessons=01,02]
// [--jobs=N]`): 30 submissions take minutes on 2 cores, too long for npm run bench's rounds.
// Half the students hand in the reference solutions, half the untouched stubs. Prints the wall
// time, and the CPU time of the whole process tree, which says what the wall time would be on
// idle cores (a wall time measured while other work runs cannot). Never asserted in tests.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';

const node = process.execPath;
const cli = path.join(ROOT, 'runner', 'bin', 'netlings.js');

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS = 100;

/**
 * A process and all its descendants (Linux /proc; nothing elsewhere): their resident memory in
 * bytes, and the CPU time each has used so far, in ticks (a sandboxed test process is a
 * descendant too: its PID namespace is visible from outside).
 * @param {number} rootPid
 * @returns {{ rss: number, cpu: Map<number, number> }}
 */
function treeSample(rootPid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  /** @type {Map<number, number>} */
  const ticks = new Map();
  const cpu = new Map();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const list = children.get(Number(fields[1])) ?? [];
        list.push(Number(entry));
        children.set(Number(fields[1]), list);
        ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
      } catch {
        // The process ended while we looked: nothing to count.
      }
    }
  } catch {
    return { rss: 0, cpu };
  }
  let rss = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = /** @type {number} */ (stack.pop());
    try {
      const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
      if (m) rss += Number(m[1]) * 1024;
    } catch {
      // Gone already.
    }
    if (ticks.has(pid)) cpu.set(pid, /** @type {number} */ (ticks.get(pid)));
    stack.push(...(children.get(pid) ?? []));
  }
  return { rss, cpu };
}

/**
 * Runs a command once; resolves with its wall time, the peak RSS of its process tree and the CPU
 * time the tree used (sampled: a process that lives less than a sample apart is missed).
 * @param {string[]} argv
 * @param {Record<string, string>} env
 * @param {string} [cwd]
 * @returns {Promise<{ ms: number, peak: number, cpuMs: number }>}
 */
function timeOnce(argv, env, cwd = ROOT) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let peak = 0;
    /** @type {Map<number, number>} the most CPU each process of the tree was seen with */
    const cpu = new Map();
    const sampler = setInterval(() => {
      const now = treeSample(/** @type {number} */ (child.pid));
      peak = Math.max(peak, now.rss);
      for (const [pid, t] of now.cpu) cpu.set(pid, Math.max(cpu.get(pid) ?? 0, t));
    }, 25);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearInterval(sampler);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpuMs = ([...cpu.values()].reduce((a, b) => a + b, 0) * 1000) / TICKS;
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code}\n${err}`));
      else resolve({ ms, peak, cpuMs });
    });
  });
}

/** 30 students (or --students=N), alternately the reference solutions and the stubs. */
function submissions(/** @type {number} */ n) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netlings-bench-subs-'));
  for (let i = 0; i < n; i++) {
    const from = path.join(ROOT, i % 2 ? 'exercises' : 'solutions');
    cpSync(from, path.join(dir, `student-${String(i + 1).padStart(2, '0')}`), { recursive: true });
  }
  return dir;
}

const students = Number(process.argv.find((a) => a.startsWith('--students='))?.slice(11) ?? 30);
const lessons = process.argv.find((a) => a.startsWith('--lessons='))?.slice(10);
const jobs = process.argv.find((a) => a.startsWith('--jobs='))?.slice(7);
const subs = submissions(students);
const gradeOut = mkdtempSync(path.join(os.tmpdir(), 'netlings-bench-grades-'));
const load = () => os.loadavg()[0].toFixed(1);
const cores = os.availableParallelism();
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}; load average ${load()}`);
try {
  const argv = [node, cli, 'grade', subs, '--output', gradeOut, ...(lessons ? ['--lessons', lessons] : []), ...(jobs ? ['--jobs', jobs] : [])];
  const r = await timeOnce(argv, {});
  console.log(`${(r.ms / 1000).toFixed(1)} s  grade ${students} submissions of ${lessons ? `lessons ${lessons}` : 'the whole course'} (half solutions, half stubs), ${jobs ?? cores} at a time`);
  console.log(`  CPU ${(r.cpuMs / 1000).toFixed(1)} s (${(r.cpuMs / 1000 / students).toFixed(2)} s per submission: at least ${(r.cpuMs / 1000 / cores).toFixed(1)} s of wall time on ${cores} idle cores), peak ${(r.peak / 2 ** 20).toFixed(0)} MiB, load average now ${load()}`);
  if (students === 30 && !lessons) console.log(`grading 30 submissions of the whole course: ${(r.ms / 1000).toFixed(1)} s (target ≤ 60 s)`);
} finally {
  for (const d of [subs, gradeOut]) rmSync(d, { recursive: true, force: true });
}
