#!/usr/bin/env node
// `npm run bench`: how fast verify is, measured (never asserted in tests). Side by side, in
// rounds: verify of lesson 01 on the solution (the runner alone, and through npm), a raw vitest
// run of the same test file, learnyounode's verify of its TCP exercise (the yardstick), the
// whole course on solutions/; medians, CPU time and the peak memory of each command's process
// tree. Then batch grading of 30 submissions (--students=N), once: its wall time, and its CPU
// time, which says what the wall time would be on idle cores. `--quick` leaves out learnyounode
// and grading; `--grade` runs only grading (`--lessons=01,02` and `--jobs=N` are passed on); `--runs=N`.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { dim } from '../report/style.js';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
const node = process.execPath;
const cli = path.join(ROOT, 'runner', 'bin', 'netlings.js');
const vitestBin = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

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

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * learnyounode's verify of its TCP exercise (TIME SERVER), the yardstick for a course runner:
 * installed once into a temporary folder, with its own HOME so it keeps no state of ours.
 */
function learnyounode() {
  const dir = path.join(os.tmpdir(), 'netlings-bench-learnyounode');
  const bin = path.join(dir, 'node_modules', '.bin', 'learnyounode');
  const home = path.join(dir, 'home');
  if (!existsSync(bin)) {
    mkdirSync(home, { recursive: true });
    console.log(dim(`installing learnyounode 4 into ${dir} (once)…`));
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--silent', 'learnyounode@4'], { stdio: 'ignore' });
    copyFileSync(path.join(dir, 'node_modules', 'learnyounode', 'exercises', 'time_server', 'solution', 'solution.js'), path.join(dir, 'program.js'));
    execFileSync(bin, ['select', 'TIME SERVER'], { cwd: dir, env: { ...process.env, HOME: home }, stdio: 'ignore' });
  }
  return { argv: [bin, 'verify', path.join(dir, 'program.js')], env: { HOME: home }, cwd: dir };
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

const quick = process.argv.includes('--quick');
/** --grade: only batch grading, once (it is the heaviest case by far); --lessons=LIST narrows it. */
const gradeOnly = process.argv.includes('--grade');
const students = Number(process.argv.find((a) => a.startsWith('--students='))?.slice(11) ?? 30);
const lessons = process.argv.find((a) => a.startsWith('--lessons='))?.slice(10);
const jobs = process.argv.find((a) => a.startsWith('--jobs='))?.slice(7);
const lyn = quick || gradeOnly ? undefined : learnyounode();
const subs = quick ? undefined : submissions(students);
const gradeOut = mkdtempSync(path.join(os.tmpdir(), 'netlings-bench-grades-'));
const gradeCase = subs && {
  name: `grade ${students} submissions of ${lessons ? `lessons ${lessons}` : 'the whole course'} (half solutions, half stubs)${jobs ? `, --jobs ${jobs}` : ''}`,
  argv: [node, cli, 'grade', subs, '--output', gradeOut, ...(lessons ? ['--lessons', lessons] : []), ...(jobs ? ['--jobs', jobs] : [])],
  runs: 1,
};

/** @type {{ name: string, argv: string[], env?: Record<string, string>, cwd?: string, runs?: number }[]} */
const cases = gradeOnly
  ? []
  : [
      { name: 'verify 01 on the solution (node runner/bin/netlings.js)', argv: [node, cli, 'verify', '01-tcp-handshake', '--exercises', 'solutions'] },
      { name: 'npm run verify 01-tcp-handshake -- --exercises solutions', argv: ['npm', 'run', '--silent', 'verify', '01-tcp-handshake', '--', '--exercises', 'solutions'] },
      { name: 'raw vitest run of the same test file', argv: [node, vitestBin, 'run', '--config', 'runner/vitest.config.js', '01-tcp-handshake'], env: { NETLINGS_EXERCISES: 'solutions' } },
      ...(lyn ? [{ name: 'learnyounode 4: verify of its TCP exercise (TIME SERVER)', ...lyn }] : []),
      { name: 'verify, whole course on solutions/', argv: [node, cli, 'verify', '--exercises', 'solutions'] },
    ];

const load = () => os.loadavg()[0].toFixed(1);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}; load average ${load()}\n`);
if (cases.length) {
  console.log(`netlings bench: ${runs} rounds (plus one warm-up), each case once per round so they share the machine's noise; median wall time, CPU time and peak memory of the process tree`);
  /** @type {Map<string, { ms: number, peak: number, cpuMs: number }[]>} */
  const results = new Map(cases.map((c) => [c.name, []]));
  for (const c of cases) await timeOnce(c.argv, c.env ?? {}, c.cwd); // warm-up: disk cache, vite's first transform
  for (let round = 0; round < runs; round++) {
    for (const c of cases) /** @type {any[]} */ (results.get(c.name)).push(await timeOnce(c.argv, c.env ?? {}, c.cwd));
  }
  /** @type {Record<string, number>} */
  const medians = {};
  for (const c of cases) {
    const rs = /** @type {{ ms: number, peak: number, cpuMs: number }[]} */ (results.get(c.name));
    const ms = median(rs.map((r) => r.ms));
    const peak = Math.max(...rs.map((r) => r.peak));
    medians[c.name] = ms;
    const spread = `${Math.min(...rs.map((r) => r.ms)).toFixed(0)}–${Math.max(...rs.map((r) => r.ms)).toFixed(0)} ms over ${rs.length}`;
    console.log(`${(ms / 1000).toFixed(3).padStart(7)} s  ${c.name}\n${' '.repeat(11)}range ${spread}, CPU ${(median(rs.map((r) => r.cpuMs)) / 1000).toFixed(2)} s, peak ${peak ? `${(peak / 2 ** 20).toFixed(0)} MiB` : 'n/a'}`);
  }
  const verify01 = medians[cases[0].name];
  console.log(`\nverify / raw vitest: ${(verify01 / medians[cases[2].name]).toFixed(2)}× (target ≤ 1.15×); verify of one lesson: ${(verify01 / 1000).toFixed(3)} s`);
  if (lyn) console.log(`verify / learnyounode verify: ${(verify01 / medians[cases[3].name]).toFixed(2)}× (target ≤ 1.0×)`);
}
if (gradeCase) {
  // Once: 30 submissions take minutes. CPU time says what the wall time would be on idle cores.
  const r = await timeOnce(gradeCase.argv, {});
  const cores = os.availableParallelism();
  console.log(`\n${(r.ms / 1000).toFixed(1).padStart(7)} s  ${gradeCase.name}`);
  console.log(`${' '.repeat(11)}CPU ${(r.cpuMs / 1000).toFixed(1)} s (${(r.cpuMs / 1000 / students).toFixed(2)} s per submission; at least ${(r.cpuMs / 1000 / cores).toFixed(1)} s of wall time on ${cores} idle cores), peak ${(r.peak / 2 ** 20).toFixed(0)} MiB, load average now ${load()}`);
  if (students === 30 && !lessons) console.log(`grading 30 submissions of the whole course: ${(r.ms / 1000).toFixed(1)} s (target ≤ 60 s)`);
}
for (const d of [subs, gradeOut]) if (d) rmSync(d, { recursive: true, force: true });
