#!/usr/bin/env node
// `npm test`: the project's own gate. Type-checks everything, runs the runner's unit tests and
// the course check (stubs fail, solutions pass, wrong solutions and bad code are caught), and
// ends with one line "self-test: N passed, N failed".
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { createVitest } from 'vitest/node';
import { ROOT } from '../core/course.js';
import { FAIL, PASS, bold, dim, red } from '../report/style.js';

const require = createRequire(import.meta.url);
// Optional file filters, e.g. `npm test -- unit`; `-t <pattern>` keeps only the cases whose name
// matches, e.g. `npm test -- invalid-solutions -t 01-tcp`.
const args = process.argv.slice(2);
const nameAt = args.indexOf('-t');
const testNamePattern = nameAt === -1 ? undefined : args[nameAt + 1];
const only = nameAt === -1 ? args : [...args.slice(0, nameAt), ...args.slice(nameAt + 2)];

/** tsc runs beside the tests: it is the slowest part and needs no vitest. */
function typecheck() {
  return new Promise((resolve) => {
    const tsc = require.resolve('typescript/bin/tsc');
    const child = spawn(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ ok: code === 0, out }));
  });
}

let passed = 0;
let failed = 0;
/** Every check's outcome and duration, for npm run stress (NETLINGS_SELFTEST_RESULTS=<file>). */
/** @type {{ name: string, state: string, ms: number }[]} */
const results = [];
/** The failures again at the end, where a CI log that keeps only its tail still shows them. */
/** @type {{ name: string, message: string }[]} */
const failures = [];
/** @type {import('vitest/node').Reporter} */
const reporter = {
  onTestCaseResult(tc) {
    const result = tc.result();
    if (result.state === 'skipped') {
      // A skip is visible, with its reason (e.g. a tool that is not installed).
      if (result.note) console.log(`${dim(`○ ${path.relative(ROOT, tc.module.moduleId)} › ${tc.fullName}: skipped, ${result.note}`)}`);
      return;
    }
    const name = `${path.relative(ROOT, tc.module.moduleId)} › ${tc.fullName}`;
    results.push({ name, state: result.state, ms: Math.round(tc.diagnostic()?.duration ?? 0) });
    if (result.state === 'passed') {
      passed++;
      console.log(`${PASS} ${dim(name)}`);
    } else {
      failed++;
      console.log(`${FAIL} ${name}`);
      for (const err of result.errors ?? []) console.log(red(String(err.stack ?? err.message).replace(/^/gm, '    ')));
      failures.push({ name, message: String(result.errors?.[0]?.message ?? '') });
    }
  },
  onTestRunEnd(_modules, unhandled) {
    for (const err of unhandled) {
      failed++;
      console.log(`${FAIL} unhandled error: ${String(/** @type {any} */ (err).stack ?? err.message)}`);
      failures.push({ name: 'unhandled error', message: String(err.message) });
    }
  },
};

const types = typecheck();
const vitest = await createVitest('test', {
  root: ROOT,
  config: false,
  include: ['runner/self-test/**/*.test.js'],
  // forks: these tests start runner processes and signal them, which worker threads cannot.
  pool: 'forks',
  maxWorkers: 2,
  // Cases marked concurrent (the wrong-solution fixtures) run three at a time within their file.
  maxConcurrency: 3,
  testTimeout: 120_000,
  hookTimeout: 60_000,
  watch: false,
  reporters: [reporter],
  ...(testNamePattern ? { testNamePattern } : {}),
}, {}, {});
await vitest.start(only.length ? only : undefined);
await vitest.close();

const tsc = /** @type {{ ok: boolean, out: string }} */ (await types);
if (tsc.ok) {
  passed++;
  console.log(`${PASS} ${dim('typecheck (tsc -p tsconfig.json)')}`);
} else {
  failed++;
  console.log(`${FAIL} typecheck (tsc -p tsconfig.json)\n${tsc.out.replace(/^/gm, '    ')}`);
  failures.push({ name: 'typecheck (tsc -p tsconfig.json)', message: tsc.out.split('\n')[0] });
}
if (process.env.NETLINGS_SELFTEST_RESULTS) writeFileSync(process.env.NETLINGS_SELFTEST_RESULTS, JSON.stringify({ results, typecheck: tsc.ok }));
if (failures.length) {
  console.log(`\n${bold('Failed:')}`);
  for (const f of failures) console.log(`${FAIL} ${f.name}\n${red(f.message.split('\n').slice(0, 6).join('\n').replace(/^/gm, '    '))}`);
}
console.log(`\n${failed ? FAIL : PASS} ${bold(`self-test: ${passed} passed, ${failed} failed`)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || passed === 0 ? 1 : 0);
