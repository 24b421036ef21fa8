// `npm run learn` as a learner meets it: the real process in a pseudo-terminal, on a temporary
// copy of the exercises and a temporary state folder (the checkout's own exercises/ and
// .netlings/ are never touched). Also: without a terminal it prints and exits; reset keeps a
// backup. The interactive test also reports how long the first screen and a save take.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, loadCourse } from '../core/course.js';
import { readProgress } from '../core/progress.js';
import { runCli, taggedProcesses } from './helpers.js';
import { startInPty } from './pty.js';

const course = loadCourse();
const first = course.lessons[0];

/** A temporary exercises folder holding every untouched stub, and a state folder beside it. */
function workspace() {
  const root = mkdtempSync(path.join(tmpdir(), 'netlings-learn-'));
  const dir = path.join(root, 'exercises');
  cpSync(path.join(ROOT, 'runner', 'stubs'), dir, { recursive: true, filter: (f) => !f.endsWith('.md') });
  return { dir, state: path.join(root, 'state'), file: path.join(dir, `${first.id}.ts`) };
}

/** A fingerprint of the checkout's learner state, to prove the tests leave it alone. */
function realState() {
  const hash = createHash('sha256');
  for (const dir of ['exercises', '.netlings', path.join('.netlings', 'backups')]) {
    const full = path.join(ROOT, dir);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full).sort()) {
      const file = path.join(full, name);
      hash.update(name);
      try {
        hash.update(readFileSync(file));
      } catch {
        // a folder
      }
    }
  }
  return hash.digest('hex');
}

/**
 * The warm test processes (vitest-child.js in mode 'serve') checking `dir`: the process itself,
 * not bwrap or the fallback's supervisor, whose arguments name it too.
 * @param {string} dir
 */
const warmPids = (dir) => taggedProcesses(dir).filter((p) => /^\S+ (--\S+ )*\S*vitest-child\.js \{.*"mode":"serve"/.test(p.command)).map((p) => p.pid);

/**
 * Resolves once `ok()` holds, polling every 50 ms; rejects at the deadline, saying what it waited for.
 * @param {() => boolean} ok @param {string} what
 */
async function until(ok, what, timeoutMs = 20_000) {
  for (const started = Date.now(); !ok(); ) {
    if (Date.now() - started > timeoutMs) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A socket file left behind, as by a learn that was killed (SIGKILL) while it served. */
async function staleSocket(/** @type {string} */ sock) {
  mkdirSync(path.dirname(sock), { recursive: true, mode: 0o700 });
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  writeFileSync(path.join(path.dirname(sock), 'token'), 'not the token of any learn', { mode: 0o600 });
}

/** Saves like vim and many IDEs: a new file renamed over the old one (a new inode). */
function saveByRename(/** @type {string} */ file, /** @type {string} */ text) {
  const tmp = `${file}.swp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

test('learn: a save is checked by the warm runner (never stale), the pass is recorded and shown, verify borrows it, n moves on only when asked', async () => {
  const before = realState();
  const ws = workspace();
  // A socket file left by a learn that was killed: learn takes its place.
  const sock = path.join(ws.state, 'warm', 'runner.sock');
  await staleSocket(sock);
  const started = Date.now();
  // NETLINGS_HANG_MS: a hang is declared sooner, so the hang case below costs little time.
  const app = startInPty(['learn', '--exercises', ws.dir], { env: { NETLINGS_STATE_DIR: ws.state, PAGER: 'cat', NETLINGS_HANG_MS: '1500' } });
  try {
    let screen = await app.waitFor(/every save is checked/, 'the first screen');
    const firstScreenMs = Date.now() - started;
    expect(screen).toContain(first.title);
    expect(screen).toMatch(/h hint .* e explainer .* l list .* q quit/);
    // The first check may include the module cache's warm-up (once per version of netlings'
    // files, ~1 s on a quiet machine, much longer on a busy one): the engine allows 60 s to start.
    await app.waitFor(/0 of \d+ checks pass/, 'the verdict on the untouched stub', 90_000);
    // One warm test process, started as learn opened; saves reuse it.
    await until(() => warmPids(ws.dir).length === 1, 'one warm test process');
    const [firstWarm] = warmPids(ws.dir);

    // Reset on the untouched stub: the confirm prompt, then nothing to do.
    app.send('x');
    await app.waitFor(/Put the original stub back/, 'the reset confirmation');
    app.send('y');
    await app.waitFor(/already the original stub/, 'the reset notice');

    // Hints, one at a time, numbered.
    app.send('h');
    await app.waitFor(new RegExp(`Hint 1 of ${first.hints.length}`), 'the first hint');

    // Learner code that hangs: the hang is reported, and the next save is checked as usual.
    // It has a type error too, which TypeScript names next to the verdict.
    const solution = readFileSync(path.join(ROOT, first.solution), 'utf8');
    saveByRename(ws.file, `export * from ${JSON.stringify(path.join(ROOT, first.solution))};\nconst wrong: number = 'text';\nfor (;;) {}\n`);
    await app.waitFor(/did not finish within/, 'the hang message');
    await app.waitFor(/TypeScript found 1 problem[^]*2:7\s+Type 'string' is not assignable to type 'number'/, 'TypeScript\'s error for the file');

    // The hang stopped that process; another took its place, and serves the next saves.
    await until(() => warmPids(ws.dir).length === 1 && warmPids(ws.dir)[0] !== firstWarm, 'a new warm test process after the hang');
    /** Every warm process seen from now on: one, unless the watchdog had to stop one (a busy machine). */
    const seen = new Set(warmPids(ws.dir));
    const look = () => warmPids(ws.dir).forEach((pid) => seen.add(pid));

    const saved = Date.now();
    saveByRename(ws.file, solution);
    screen = await app.waitFor(/All \d+ checks pass/, 'the pass after saving the solution');
    const saveToVerdictMs = Date.now() - saved;
    look();
    expect(screen).toMatch(/Lesson passed and recorded/);
    expect(readProgress(path.join(ws.state, 'progress.json')).done[first.id]).toBeTruthy();

    // Never stale: the stub again fails, and so does a file whose own text is unchanged when a
    // module it imports from the exercises folder changes. The same warm process checks them all.
    saveByRename(ws.file, readFileSync(path.join(ROOT, 'runner', 'stubs', `${first.id}.ts`), 'utf8'));
    await app.waitFor(/0 of \d+ checks pass/, 'the verdict on the stub saved again');
    look();
    const helper = path.join(ws.dir, 'shout-helper.ts');
    writeFileSync(helper, `export * from ${JSON.stringify(path.join(ROOT, first.solution))};\n`);
    saveByRename(ws.file, `export * from './shout-helper.ts';\n`);
    await app.waitFor(/All \d+ checks pass/, 'the pass through a helper module');
    look();
    saveByRename(helper, `export const createShoutServer = () => { throw new Error('TODO'); };\nexport const talk = createShoutServer;\n`);
    app.send('r'); // the watch is on the lesson's file; r re-checks
    await app.waitFor(/0 of \d+ checks pass/, 'the verdict after the helper changed');
    look();
    saveByRename(ws.file, solution);
    await app.waitFor(/All \d+ checks pass/, 'the pass after saving the solution again');
    look();
    // Five checks: warm processes serve them (a cold check runs in a process in mode "run").
    expect(seen.size, `warm test processes for five checks: ${[...seen].join(', ')}`).toBeLessThanOrEqual(2);

    // verify in another terminal borrows learn's warm runner (and records nothing else here).
    const borrowed = await runCli(['verify', first.id, '--exercises', ws.dir, '--verbose'], { NETLINGS_STATE_DIR: ws.state });
    expect(borrowed.code, borrowed.out).toBe(0);
    expect(borrowed.out).toMatch(/all \d+ checks pass/);
    expect(borrowed.out).toMatch(/run by the warm test process of npm run learn/);

    // The reference solution beside the learner's file (PAGER=cat: printed, a key goes back).
    app.send('s');
    screen = await app.waitFor(/press any key to go back/, 'the side-by-side view');
    expect(screen).toContain(`reference: ${first.solution}`);
    app.send(' ');
    await app.waitFor(/Lesson passed and recorded/, 'the lesson screen again');

    app.send('n');
    if (course.lessons.length > 1) {
      screen = await app.waitFor(new RegExp(`lesson 2 of ${course.lessons.length}`), 'the second lesson');
      expect(screen).toContain(course.lessons[1].title);
    } else {
      await app.waitFor(/All done: every lesson passes/, 'the "all done" screen');
    }
    app.send('q');
    expect(await app.exited).toBe(0);
    console.log(`learn timings (warm runner): first screen ${firstScreenMs} ms, save → verdict ${saveToVerdictMs} ms`);
  } finally {
    app.kill();
  }
  // Nothing left behind: no test process, no socket. verify runs cold again, also when a socket
  // file was left behind by a learn that was killed.
  await until(() => taggedProcesses(ws.dir).length === 0, 'no process of learn left running');
  expect(existsSync(sock)).toBe(false);
  await staleSocket(sock);
  const cold = await runCli(['verify', first.id, '--exercises', ws.dir, '--verbose'], { NETLINGS_STATE_DIR: ws.state });
  expect(cold.code, cold.out).toBe(0);
  expect(cold.out).toMatch(/all \d+ checks pass/);
  expect(cold.out).not.toMatch(/warm test process/);
  expect(realState(), 'learn changed the checkout\'s exercises/ or .netlings/').toBe(before);
});

test('learn: the explainer (printed, or in less from its top), the lesson menu, Ctrl+C quits cleanly', async () => {
  const ws = workspace();
  const app = startInPty(['learn', first.id, '--exercises', ws.dir, '--manual'], { env: { NETLINGS_STATE_DIR: ws.state, PAGER: '' } });
  try {
    await app.waitFor(/press r to check it/, 'the first screen in manual mode');
    app.send('e');
    // PAGER="" means no pager (as with git): printed, and a key goes back.
    const heading = readFileSync(path.join(ROOT, first.explainer), 'utf8').split('\n')[0].replace(/^#+\s*/, '');
    let screen = await app.waitFor(/press any key to go back/, 'the printed explainer');
    expect(screen.trimStart().startsWith(heading), `the explainer starts with its title, without "#":\n${screen.slice(0, 300)}`).toBe(true);
    expect(screen).not.toMatch(/^#{1,6} /m);
    app.send('q');
    await app.waitFor(/press r to check it/, 'the lesson screen again');
    // The lesson menu: every lesson, the current one marked; Enter opens it.
    app.send('l');
    screen = await app.waitFor(/Open which\?/, 'the lesson menu');
    expect(screen).toMatch(new RegExp(`✗ ${first.id} · .*\\(current\\)`));
    for (const lesson of course.lessons) expect(screen).toContain(lesson.id);
    app.send('\r');
    await app.waitFor(/press r to check it/, 'the lesson screen after the menu');
    app.send('\u0003');
    expect(await app.exited).toBe(0);
    screen = app.screen();
    expect(screen).toMatch(/see you soon/);
    await until(() => taggedProcesses(ws.dir).length === 0, 'no process of learn left running after Ctrl+C');
  } finally {
    app.kill();
  }
  // With less (the default pager): opens at the top, q returns.
  const paged = startInPty(['learn', first.id, '--exercises', ws.dir, '--manual'], { env: { NETLINGS_STATE_DIR: ws.state, PAGER: 'less -R' } });
  try {
    await paged.waitFor(/press r to check it/, 'the first screen');
    paged.send('e');
    const heading = readFileSync(path.join(ROOT, first.explainer), 'utf8').split('\n')[0].replace(/^#+\s*/, '');
    await paged.waitFor(new RegExp(`^\\s*${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'the explainer\'s first line at the top of less');
    paged.send('q');
    await paged.waitFor(/press r to check it/, 'the lesson screen after less');
    paged.send('q');
    expect(await paged.exited).toBe(0);
  } finally {
    paged.kill();
  }
});

test('learn without a terminal, or in CI, prints the status and the next command and exits 0', async () => {
  const ws = workspace();
  const piped = await runCli(['learn', '--exercises', ws.dir], { NETLINGS_STATE_DIR: ws.state });
  expect(piped.code, piped.out).toBe(0);
  expect(piped.out).toMatch(new RegExp(`Now: ${first.id}`));
  expect(piped.out).toMatch(/npm run verify \d\d/);
  // It waits for nothing (a prompt would wait for ever): a bound far above its ~0.3 s, never a speed test.
  expect(piped.ms).toBeLessThan(20_000);
  const ci = startInPty(['learn', '--exercises', ws.dir], { env: { NETLINGS_STATE_DIR: ws.state, CI: 'true' } });
  try {
    expect(await ci.exited).toBe(0);
    expect(ci.screen()).toMatch(/lessons done/);
  } finally {
    ci.kill();
  }
});

test('reset saves the learner\'s file as a backup it names, then restores the stub', async () => {
  const ws = workspace();
  const stub = readFileSync(ws.file, 'utf8');
  writeFileSync(ws.file, '// my own work\n');
  const env = { NETLINGS_STATE_DIR: ws.state };
  const { code, out } = await runCli(['reset', first.id, '--exercises', ws.dir], env);
  expect(code, out).toBe(0);
  expect(readFileSync(ws.file, 'utf8')).toBe(stub);
  const backups = readdirSync(path.join(ws.state, 'backups'));
  expect(backups).toHaveLength(1);
  expect(out).toContain(backups[0]);
  expect(readFileSync(path.join(ws.state, 'backups', backups[0]), 'utf8')).toBe('// my own work\n');
  const again = await runCli(['reset', first.id, '--exercises', ws.dir], env);
  expect(again.out).toMatch(/already the original stub/);
  expect(readdirSync(path.join(ws.state, 'backups'))).toHaveLength(1);
});
