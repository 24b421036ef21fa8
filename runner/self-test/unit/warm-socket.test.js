// learn's socket for verify (engine/warm-*.js): verify trusts only an answer signed with the
// token of the learn that made the socket, and the sandbox hides the socket's folder.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { loadCourse } from '../../core/course.js';
import { sandboxArgs } from '../../engine/sandbox.js';
import { warmRun } from '../../engine/warm-client.js';
import { listening, serveWarm } from '../../engine/warm-server.js';
import { socketPath, tokenPath, warmDir } from '../../engine/warm-socket.js';
import { CLI } from '../helpers.js';

const course = loadCourse();
const lesson = course.lessons[0];
const before = process.env.NETLINGS_STATE_DIR;
/** @type {string} */
let state;
beforeEach(() => {
  state = mkdtempSync(path.join(tmpdir(), 'netlings-warm-'));
  process.env.NETLINGS_STATE_DIR = state;
});
afterEach(() => {
  if (before === undefined) delete process.env.NETLINGS_STATE_DIR;
  else process.env.NETLINGS_STATE_DIR = before;
});

/** A stand-in for learn's warm runner: answers every run with a pass, and counts the runs. */
function fakeRunner(/** @type {string} */ exercisesDir) {
  /** @type {unknown[]} */
  const runs = [];
  return {
    runs,
    runner: /** @type {any} */ ({
      exercisesDir,
      async run(/** @type {any} */ o) {
        runs.push(o);
        return { lessons: o.lessons.map((/** @type {any} */ l) => ({ id: l.id, state: 'passed', checks: [], errors: [] })), durationMs: 1, guard: { kind: 'sandbox', why: '' }, output: '' };
      },
    }),
  };
}

test('verify gets the run from learn over the socket, for learn\'s folder only; nothing after learn closes', async () => {
  const { runs, runner } = fakeRunner('/some/exercises');
  const server = await serveWarm(runner, course);
  if (!server) throw new Error('learn did not serve');
  try {
    const run = await warmRun({ lessons: [lesson], exercisesDir: '/some/exercises', stopOnFailure: false });
    expect(run?.warm).toBe(true);
    expect(run?.lessons[0].state).toBe('passed');
    expect(await warmRun({ lessons: [lesson], exercisesDir: '/another/folder', stopOnFailure: false })).toBeUndefined();
    expect(runs).toHaveLength(1);
  } finally {
    server.close();
  }
  expect(await warmRun({ lessons: [lesson], exercisesDir: '/some/exercises', stopOnFailure: false })).toBeUndefined();
});

test('a server that does not know the token cannot forge a pass; a second learn does not take over a live socket', async () => {
  const dir = warmDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(tokenPath(dir), 'a token the forger does not know', { mode: 0o600 });
  const forged = JSON.stringify({ type: 'result', run: { lessons: [{ id: lesson.id, state: 'passed', checks: [], errors: [] }], durationMs: 1, guard: { kind: 'sandbox', why: '' }, output: '' } });
  const forger = net.createServer((c) => c.on('error', () => {}).resume().end(`${JSON.stringify({ reply: forged, mac: '00'.repeat(32) })}\n`));
  await new Promise((resolve) => forger.listen(socketPath(dir), () => resolve(undefined)));
  try {
    expect(await warmRun({ lessons: [lesson], exercisesDir: '/some/exercises', stopOnFailure: false })).toBeUndefined();
    // A live socket is someone's: a second learn does not serve, and leaves it alone.
    expect(await serveWarm(fakeRunner('/some/exercises').runner, course)).toBeUndefined();
  } finally {
    await new Promise((resolve) => forger.close(() => resolve(undefined)));
  }
});

test('verify trusts no folder other users can read or write', async () => {
  const { runner } = fakeRunner('/some/exercises');
  const server = await serveWarm(runner, course);
  if (!server) throw new Error('learn did not serve');
  try {
    chmodSync(warmDir(), 0o755);
    expect(await warmRun({ lessons: [lesson], exercisesDir: '/some/exercises', stopOnFailure: false })).toBeUndefined();
    chmodSync(warmDir(), 0o700);
    expect(await warmRun({ lessons: [lesson], exercisesDir: '/some/exercises', stopOnFailure: false })).toBeDefined();
  } finally {
    server.close();
  }
});

test('the sandbox mounts an empty folder over learn\'s socket folder', () => {
  mkdirSync(warmDir(), { recursive: true });
  const args = sandboxArgs(/** @type {any} */ ({ exercisesDir: '/some/exercises', moduleCache: undefined }), '{}');
  const at = args.indexOf(warmDir());
  expect(args[at - 1]).toBe('--tmpfs');
  expect(at).toBeGreaterThan(args.lastIndexOf('--ro-bind'));
});

test('Ctrl+C in a verify that learn is running ends verify at once, and only verify', async () => {
  const exercises = mkdtempSync(path.join(tmpdir(), 'netlings-warm-ex-'));
  /** @type {() => void} */
  let asked = () => {};
  const started = new Promise((resolve) => (asked = () => resolve(undefined)));
  const runner = /** @type {any} */ ({
    exercisesDir: exercises,
    run: () => {
      asked();
      return new Promise(() => {}); // a long run: verify is stopped before it ends
    },
  });
  const server = await serveWarm(runner, course);
  if (!server) throw new Error('learn did not serve');
  try {
    const verify = spawn(process.execPath, [CLI, 'verify', lesson.id, '--exercises', exercises], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    verify.stderr.on('data', (d) => (out += d));
    await started;
    verify.kill('SIGINT');
    const code = await new Promise((resolve) => verify.once('exit', resolve));
    expect(code, out).toBe(130);
    expect(out).toMatch(/stopped by Ctrl\+C; the checks did not finish, and nothing was recorded/);
    // learn's side is still there for the next verify.
    expect(await listening(socketPath(warmDir()))).toBe(true);
  } finally {
    server.close();
  }
});
