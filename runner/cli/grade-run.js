// One submission's grading run for `npm run grade` (grade.js): the copies it works on, and the
// `verify --reporter json` process that grades it. Learner code only ever runs in that
// process's test process, behind the engine's guard; nothing here loads it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';

/** A lesson file bigger than this is not a learner's work; it is not copied. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_REPORT_BYTES = 32 * 1024 * 1024;
/** What the grading process printed on stderr is kept up to this, to say why it failed. */
const MAX_ERROR_CHARS = 2000;

/**
 * Can the sandbox run here? The same namespaces the engine's sandbox asks bubblewrap for
 * (engine/sandbox.js). Decided once per grading: with it, every submission runs in the sandbox
 * or is not graded (NETLINGS_GUARD=sandbox), never silently without it.
 * @returns {{ sandbox: boolean, why: string }}
 */
export function sandboxHere() {
  if (process.env.NETLINGS_GUARD === 'fallback') return { sandbox: false, why: 'NETLINGS_GUARD=fallback' };
  if (process.platform !== 'linux') return { sandbox: false, why: `bubblewrap needs Linux; this is ${process.platform}` };
  const args = ['--die-with-parent', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', 'true'];
  const probe = spawnSync('bwrap', args, { encoding: 'utf8', timeout: 10_000 });
  if (probe.error) return { sandbox: false, why: /** @type {NodeJS.ErrnoException} */ (probe.error).code === 'ENOENT' ? 'bubblewrap (bwrap) is not installed' : String(probe.error.message) };
  if (probe.status !== 0) return { sandbox: false, why: `bubblewrap cannot create namespaces here (${(probe.stderr ?? '').trim().split('\n')[0] || `exit code ${probe.status}`})` };
  return { sandbox: true, why: 'bubblewrap works here' };
}

/**
 * A private copy of what verify needs (runner, manifest, package.json; node_modules linked), for
 * a run without the sandbox: what one submission's code may rewrite there affects only its own
 * grade, and the tamper check of that copy notices it.
 * @param {string} dest
 */
export function copyRunner(dest) {
  mkdirSync(path.join(dest, 'lessons'), { recursive: true });
  cpSync(path.join(ROOT, 'runner'), path.join(dest, 'runner'), { recursive: true, filter: (src) => !src.includes(`${path.sep}fixtures${path.sep}`) });
  cpSync(path.join(ROOT, 'lessons', 'course.json'), path.join(dest, 'lessons', 'course.json'));
  for (const f of ['package.json', 'tsconfig.json']) cpSync(path.join(ROOT, f), path.join(dest, f));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
}

/**
 * Copies a student's lesson files (regular files named <id>.ts only: no links, nothing huge).
 * @param {string} submission
 * @param {string[]} ids
 * @param {string} dest
 * @returns {number} how many were copied
 */
export function copySubmission(submission, ids, dest) {
  const inner = path.join(submission, 'exercises');
  const from = existsSync(inner) && lstatSync(inner).isDirectory() ? inner : submission;
  mkdirSync(dest, { recursive: true });
  let copied = 0;
  for (const id of ids) {
    const file = path.join(from, `${id}.ts`);
    if (!existsSync(file)) continue;
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) continue;
    cpSync(file, path.join(dest, `${id}.ts`));
    copied++;
  }
  return copied;
}

/**
 * Runs `verify <lessons> --reporter json` of the project in `projectDir` on `exercisesDir`, in
 * its own process group, killed with everything in it after `budgetMs` or when it ends.
 * @param {{ projectDir: string, exercisesDir: string, lessonIds: string[], budgetMs: number, sandbox: boolean, hide: string }} o
 *   hide: the folder of all submissions, which the sandbox makes unreadable (its own lesson
 *   files are a copy elsewhere): else a submission could import a classmate's and pass
 * @returns {Promise<{ report?: any, problem?: string }>}
 */
export function gradeOne({ projectDir, exercisesDir, lessonIds, budgetMs, sandbox, hide }) {
  return new Promise((resolve) => {
    const cli = path.join(projectDir, 'runner', 'bin', 'netlings.js');
    /** @type {Record<string, string | undefined>} */
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', INIT_CWD: projectDir };
    // With the sandbox, every run shares this checkout (read-only to learner code) and its warm
    // module cache, and may not run without the sandbox. Without it, every copy is new: warming
    // a module cache for one would cost more than it saves.
    if (sandbox) Object.assign(env, { NETLINGS_GUARD: 'sandbox', NETLINGS_SANDBOX_HIDE: hide });
    else env.NETLINGS_MODULE_CACHE = 'off';
    const child = spawn(process.execPath, [cli, 'verify', ...lessonIds, '--reporter', 'json', '--exercises', exercisesDir], {
      cwd: projectDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let out = '';
    let err = '';
    let tooMuch = false;
    child.stdout.on('data', (d) => {
      if (out.length + d.length > MAX_REPORT_BYTES) tooMuch = true;
      else out += d;
    });
    child.stderr.on('data', (d) => (err = (err + d).slice(-MAX_ERROR_CHARS)));
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const timer = setTimeout(kill, budgetMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      kill(); // anything the submission left in the group goes too
      if (tooMuch) return resolve({ problem: 'the report was too large to read' });
      try {
        resolve({ report: JSON.parse(out) });
      } catch {
        const said = err.trim().split('\n').filter(Boolean).pop();
        resolve({ problem: `grading did not finish (${signal ?? `exit code ${code}`})${said ? `: ${said.replace(/^netlings: /, '')}` : ''}` });
      }
    });
  });
}
