#!/usr/bin/env node
// `npm run bench`: how fast verify is, measured (never asserted in tests). Side by side, in
// rounds: verify of lesson 01 on the solution (the runner alone, and through npm), a raw vitest
// run of the same test file, learnyounode's verify of its TCP exercise (the yardstick), the
// whole course on solutions/, and batch grading of 30 submissions; medians and the peak memory
// of each command's process tree. `--quick` leaves out learnyounode and grading; `--no-course`
// the whole course and grading; `--runs=N`.
// verify "with learn running" is verify of the same lesson while `learn` (started here, in a
// pseudo-terminal, on a copy of solutions/) lends it its warm runner over its socket.
// The wire timeline's cost: verify 01 with recording on (the default) and off
// (NETLINGS_TIMELINE=off); `--timeline` runs only those two cases.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { dim } from '../report/style.js';
import { startInPty } from '../self-test/pty.js';
import { treeRss } from './memory.js';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
const node = process.execPath;
const cli = path.join(ROOT, 'runner', 'bin', 'netlings.js');
const vitestBin = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/**
 * Runs a command once; resolves with its wall time and the peak RSS of its process tree.
 * @param {string[]} argv
 * @param {Record<string, string>} env
 * @param {string} [cwd]
 */
function timeOnce(argv, env, cwd = ROOT) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
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

const timelineOnly = process.argv.includes('--timeline');
const quick = timelineOnly || process.argv.includes('--quick');
/** --no-course: one lesson only (no whole-course verify, no grading), learnyounode kept. */
const noCourse = process.argv.includes('--no-course');
const students = Number(process.argv.find((a) => a.startsWith('--students='))?.slice(11) ?? 30);
const lyn = quick ? undefined : learnyounode();
const subs = quick || noCourse ? undefined : submissions(students);
const gradeOut = mkdtempSync(path.join(os.tmpdir(), 'netlings-bench-grades-'));

const VERIFY_01 = 'verify 01 on the solution (node runner/bin/netlings.js)';
const WITHOUT_TIMELINE = 'verify 01 on the solution, wire timeline not recorded (NETLINGS_TIMELINE=off)';
const WARM_01 = 'verify 01 on the solution with learn running (its warm runner)';
const RAW_01 = 'raw vitest run of the same test file';
const LEARNYOUNODE = 'learnyounode 4: verify of its TCP exercise (TIME SERVER)';
const verify01Argv = [node, cli, 'verify', '01-tcp-handshake', '--exercises', 'solutions'];

// learn, running on a copy of solutions/, for verify to borrow its warm runner.
const learnRoot = mkdtempSync(path.join(os.tmpdir(), 'netlings-bench-learn-'));
const learnDir = path.join(learnRoot, 'exercises');
cpSync(path.join(ROOT, 'solutions'), learnDir, { recursive: true });
const learnEnv = { NETLINGS_STATE_DIR: path.join(learnRoot, 'state') };
const learn = timelineOnly ? undefined : startInPty(['learn', '--exercises', learnDir], { env: learnEnv });
await learn?.waitFor(/All \d+ checks pass/, 'learn\'s first verdict', 120_000);

/** @type {{ name: string, argv: string[], env?: Record<string, string>, cwd?: string, runs?: number }[]} */
const cases = timelineOnly ? [
  { name: VERIFY_01, argv: verify01Argv },
  { name: WITHOUT_TIMELINE, argv: verify01Argv, env: { NETLINGS_TIMELINE: 'off' } },
] : [
  { name: VERIFY_01, argv: verify01Argv },
  { name: 'npm run verify 01-tcp-handshake -- --exercises solutions', argv: ['npm', 'run', '--silent', 'verify', '01-tcp-handshake', '--', '--exercises', 'solutions'] },
  { name: WARM_01, argv: [node, cli, 'verify', '01-tcp-handshake', '--exercises', learnDir], env: learnEnv },
  { name: RAW_01, argv: [node, vitestBin, 'run', '--config', 'runner/vitest.config.js', '01-tcp-handshake'], env: { NETLINGS_EXERCISES: 'solutions' } },
  ...(lyn ? [{ name: LEARNYOUNODE, ...lyn }] : []),
  ...(noCourse ? [] : [{ name: 'verify, whole course on solutions/', argv: [node, cli, 'verify', '--exercises', 'solutions'] }]),
  { name: WITHOUT_TIMELINE, argv: verify01Argv, env: { NETLINGS_TIMELINE: 'off' } },
  ...(subs ? [{ name: `grade ${students} submissions of the whole course (half solutions, half stubs)`, argv: [node, cli, 'grade', subs, '--output', gradeOut], runs: 1 }] : []),
];

console.log(`netlings bench: ${runs} rounds (plus one warm-up), each case once per round so they share the machine's noise; median wall time and peak memory of the process tree`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}\n`);
/** @type {Map<string, { ms: number, peak: number }[]>} */
const results = new Map(cases.map((c) => [c.name, []]));
for (const c of cases) await timeOnce(c.argv, c.env ?? {}, c.cwd); // warm-up: disk cache, vite's first transform
for (let round = 0; round < runs; round++) {
  for (const c of cases) {
    if (round >= (c.runs ?? runs)) continue;
    /** @type {{ ms: number, peak: number }[]} */ (results.get(c.name)).push(/** @type {{ ms: number, peak: number }} */ (await timeOnce(c.argv, c.env ?? {}, c.cwd)));
  }
}
/** @type {Record<string, number>} */
const medians = {};
for (const c of cases) {
  const rs = /** @type {{ ms: number, peak: number }[]} */ (results.get(c.name));
  const ms = median(rs.map((r) => r.ms));
  const peak = Math.max(...rs.map((r) => r.peak));
  medians[c.name] = ms;
  const spread = `${Math.min(...rs.map((r) => r.ms)).toFixed(0)}–${Math.max(...rs.map((r) => r.ms)).toFixed(0)} ms over ${rs.length}`;
  console.log(`${(ms / 1000).toFixed(3).padStart(7)} s  ${c.name}\n${' '.repeat(11)}range ${spread}, peak ${peak ? `${(peak / 2 ** 20).toFixed(0)} MiB` : 'n/a'}`);
}
learn?.send('q');
await learn?.exited;
const verify01 = medians[VERIFY_01];
const untimed = medians[WITHOUT_TIMELINE];
console.log(`\nwire timeline: verify 01 ${(verify01 / 1000).toFixed(3)} s recording, ${(untimed / 1000).toFixed(3)} s not: ${(((verify01 - untimed) / untimed) * 100).toFixed(1)} % (target < 5 %)`);
if (timelineOnly) process.exit(0);
const warm01 = medians[WARM_01];
console.log(`verify / raw vitest: ${(verify01 / medians[RAW_01]).toFixed(2)}× (target ≤ 1.15×); verify of one lesson: ${(verify01 / 1000).toFixed(3)} s`);
if (lyn) console.log(`verify / learnyounode verify: ${(verify01 / medians[LEARNYOUNODE]).toFixed(2)}× (target ≤ 1.0×)`);
if (lyn) console.log(`verify with learn running / learnyounode verify: ${(warm01 / medians[LEARNYOUNODE]).toFixed(2)}× (target ≤ 0.5×)`);
else console.log(`verify with learn running: ${(warm01 / 1000).toFixed(3)} s (cold ${(verify01 / 1000).toFixed(3)} s)`);
if (subs) console.log(`grading ${students} submissions: ${(medians[cases[cases.length - 1].name] / 1000).toFixed(1)} s (target ≤ 60 s for 30)`);
for (const d of [subs, gradeOut, learnRoot]) if (d) rmSync(d, { recursive: true, force: true });
