// Bad learner code never hangs or crashes the runner: each case ends, through the real CLI,
// with a clear message in bounded time and no process left behind.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { FIXTURES, fixtures, runCli } from './helpers.js';

/** Generous: the slowest case (every check times out) takes ~10 s on a busy 2-core machine. */
const BOUND_MS = 45_000;

/** Is the process alive? A zombie (dead, not yet reaped by a container's init) counts as gone. */
function alive(/** @type {number} */ pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

test.each(fixtures(path.join(FIXTURES, 'bad-code'), '01-tcp-handshake').map((f) => [f.name, f]))('%s ends with a clear message', async (_name, fixture) => {
  const pidFile = path.join(mkdtempSync(path.join(tmpdir(), 'netlings-bad-')), 'spawned.pid');
  const { code, out, ms } = await runCli(['verify', '01', '--exercises', fixture.dir], { NETLINGS_PID_FILE: pidFile });
  expect(code, out).toBe(1);
  expect(ms, 'took too long').toBeLessThan(BOUND_MS);
  for (const pattern of fixture.expectMessage) expect(out).toMatch(new RegExp(pattern));
  for (const pattern of fixture.expectLocation) expect(out).toMatch(new RegExp(pattern));
  // Written for a learner: no raw stack traces unless --verbose.
  expect(out).not.toMatch(/^\s+at .*[( ](file:\/\/|\/|node:).+:\d+:\d+\)?$/m);
  expect(out).not.toMatch(/node_modules/);
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid), `process ${pid}, started by the learner's code, survived the run`).toBe(false);
  }
});
