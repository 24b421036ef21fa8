#!/usr/bin/env node
// `npm run stress -- --runs N [filters]`: the full self-test N times in a row while a busy loop
// runs on every core, to find checks that depend on timing. Prints how many runs passed, every
// check that failed (and how often), and the slowest checks. The target is N of N; a flake is
// fixed at its cause, never with a longer sleep. Filters go to the self-test (e.g. bad-code).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { FAIL, PASS, bold, dim } from '../report/style.js';

const TAIL_LINES = 15;
const TAIL_CHARS = 20_000;
/** @param {string} s */
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

const argv = process.argv.slice(2);
const at = argv.findIndex((a) => a === '--runs' || a.startsWith('--runs='));
const runs = at < 0 ? 5 : Number(argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1]);
const filters = argv.filter((a, i) => i !== at && !(at >= 0 && !argv[at].includes('=') && i === at + 1));
if (!Number.isInteger(runs) || runs < 1) {
  console.error('netlings stress: --runs takes a whole number of at least 1, e.g. npm run stress -- --runs 10');
  process.exit(2);
}

const cores = os.availableParallelism();
const busy = Array.from({ length: cores }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopBusy = () => busy.forEach((b) => b.kill('SIGKILL'));
process.on('exit', stopBusy);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => process.exit(130));

const tmp = mkdtempSync(path.join(os.tmpdir(), 'netlings-stress-'));
/** @type {Map<string, { fails: number, max: number, total: number, n: number }>} */
const checks = new Map();
let green = 0;
const started = Date.now();
console.log(`netlings stress: ${runs} runs of the self-test${filters.length ? ` (${filters.join(' ')})` : ''}, with a busy loop on each of ${cores} cores\n`);
for (let i = 1; i <= runs; i++) {
  const file = path.join(tmp, `run-${i}.json`);
  const t0 = Date.now();
  // The last lines of the run's output are kept: a run that dies before writing its results
  // (a crash, a kill, a hang cut short) still says why.
  let tail = '';
  const keep = (/** @type {Buffer} */ chunk) => (tail = (tail + chunk).slice(-TAIL_CHARS));
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'runner', 'bin', 'self-test.js'), ...filters], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NETLINGS_SELFTEST_RESULTS: file },
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (status, signal) => resolve(signal ? `${signal}` : status));
  });
  /** @type {{ results: { name: string, state: string, ms: number }[], typecheck: boolean }} */
  let data = { results: [], typecheck: false };
  let wroteResults = true;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    wroteResults = false; // the self-test did not get as far as writing its results
  }
  const failedNow = data.results.filter((r) => r.state === 'failed').map((r) => r.name);
  if (!data.typecheck) failedNow.push('typecheck');
  for (const r of data.results) {
    const c = checks.get(r.name) ?? { fails: 0, max: 0, total: 0, n: 0 };
    Object.assign(c, { fails: c.fails + (r.state === 'failed' ? 1 : 0), max: Math.max(c.max, r.ms), total: c.total + r.ms, n: c.n + 1 });
    checks.set(r.name, c);
  }
  if (code === 0) green++;
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  console.log(`${code === 0 ? PASS : FAIL} run ${i}/${runs}: ${data.results.length} checks, ${failedNow.length} failed ${dim(`(${secs} s)`)}${failedNow.length ? `\n${failedNow.map((n) => `    ${n}`).join('\n')}` : ''}`);
  if (code !== 0) {
    const lines = stripAnsi(tail).trimEnd().split('\n').slice(-TAIL_LINES);
    console.log(dim(`    ${wroteResults ? 'its last lines' : `it ended (${code}) without writing results; its last lines`}:\n${lines.map((l) => `      ${l}`).join('\n')}`));
  }
}
stopBusy();
rmSync(tmp, { recursive: true, force: true });

const flaky = [...checks].filter(([, c]) => c.fails).sort((a, b) => b[1].fails - a[1].fails);
const slowest = [...checks].sort((a, b) => b[1].max - a[1].max).slice(0, 10);
console.log(`\n${green === runs ? PASS : FAIL} ${bold(`${green}/${runs} runs passed`)} ${dim(`in ${((Date.now() - started) / 60000).toFixed(1)} min, ${cores} cores busy`)}`);
if (flaky.length) {
  console.log(`\nChecks that failed:`);
  for (const [name, c] of flaky) console.log(`  ${c.fails}/${c.n}  ${name}`);
}
console.log(`\nSlowest checks (longest of ${runs} runs, and the mean):`);
for (const [name, c] of slowest) console.log(`  ${(c.max / 1000).toFixed(1).padStart(5)} s  ${dim(`${(c.total / c.n / 1000).toFixed(1)} s`)}  ${name}`);
process.exitCode = green === runs ? 0 : 1;
