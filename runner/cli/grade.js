// `npm run grade -- <submissions-dir> [--output DIR] [--jobs N]`: grades many students at once.
// Each sub-folder is one student's copy of the project or their exercises/ folder. Submissions
// are untrusted: each is graded by `verify --all --reporter json` in its own process group,
// from its own copy of the runner and hidden tests (made before any student code runs), on a
// copy of the student's lesson files; the test process inside is sandboxed where the platform
// allows (see docs/ARCHITECTURE.md). Writes grades.csv and grades.html.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { gradesCsv, gradesHtml } from '../report/grades-files.js';
import { FAIL, PASS, bold, dim } from '../report/style.js';
import { UsageError } from './args.js';

/** A lesson file bigger than this is not a learner's work; it is not copied. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_REPORT_BYTES = 32 * 1024 * 1024;
/** Per lesson, on top of verify's own per-lesson budget: only a runner fault gets here. */
const BUDGET_PER_LESSON_MS = 90_000;

/** npm runs scripts in the package root; the teacher's relative paths mean where they typed. */
const fromCaller = (/** @type {string} */ p) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

/**
 * A private copy of what verify needs (runner, manifest, package.json; node_modules linked).
 * @param {string} dest
 */
function copyRunner(dest) {
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
 */
function copySubmission(submission, ids, dest) {
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
 * Runs verify --all --reporter json in `runnerDir` on `exercisesDir`, in its own process group.
 * @param {string} runnerDir
 * @param {string} exercisesDir
 * @param {number} budgetMs
 * @returns {Promise<{ report?: any, problem?: string }>}
 */
function gradeOne(runnerDir, exercisesDir, budgetMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(runnerDir, 'runner', 'bin', 'netlings.js'), 'verify', '--all', '--reporter', 'json', '--exercises', exercisesDir], {
      cwd: runnerDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      // Every copy of the project is new: warming a module cache for it would cost more than it saves.
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', INIT_CWD: runnerDir, NETLINGS_MODULE_CACHE: 'off' },
    });
    let out = '';
    let tooMuch = false;
    child.stdout.on('data', (d) => {
      if (out.length + d.length > MAX_REPORT_BYTES) tooMuch = true;
      else out += d;
    });
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
        resolve({ problem: `grading did not finish (${signal ?? `exit code ${code}`})` });
      }
    });
  });
}

/** @param {number} done @param {number} total @param {string} last */
function progress(done, total, last) {
  if (!process.stdout.isTTY) return console.log(`${done}/${total} ${last}`);
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stdout.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} graded ${dim(last.slice(0, 30).padEnd(30))}`);
  if (done === total) process.stdout.write('\n');
}

/**
 * @param {import('../core/course.js').Course} course
 * @param {{ positionals: string[], flags: { output?: string, jobs?: string } }} args
 */
export async function grade(course, { positionals, flags }) {
  if (positionals.length !== 1) throw new UsageError('say which folder holds the submissions, e.g. npm run grade -- ./submissions');
  const root = fromCaller(positionals[0]);
  if (!existsSync(root) || !lstatSync(root).isDirectory()) throw new UsageError(`${positionals[0]} is not a folder`);
  const jobs = flags.jobs === undefined ? os.availableParallelism() : Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${flags.jobs}"`);
  const outDir = fromCaller(flags.output ?? 'grades');
  const students = readdirSync(root)
    .filter((name) => !name.startsWith('.') && lstatSync(path.join(root, name)).isDirectory())
    .sort((a, b) => a.localeCompare(b));
  if (!students.length) throw new UsageError(`${positionals[0]} has no sub-folders: put each student's copy (or exercises/ folder) in its own`);

  const ids = course.lessons.map((l) => l.id);
  const work = mkdtempSync(path.join(os.tmpdir(), 'netlings-grade-'));
  const started = Date.now();
  try {
    // Every copy is made before any student's code runs, so none can change another's.
    const plan = students.map((student, i) => {
      const dir = path.join(work, String(i));
      copyRunner(path.join(dir, 'project'));
      const copied = copySubmission(path.join(root, student), ids, path.join(dir, 'submission'));
      return { student, dir, copied };
    });
    /** @type {import('../report/grades-files.js').StudentResult[]} */
    const results = new Array(plan.length);
    let next = 0;
    let done = 0;
    const budget = BUDGET_PER_LESSON_MS * ids.length;
    console.log(`Grading ${plan.length} submissions of ${ids.length} lessons, ${Math.min(jobs, plan.length)} at a time…`);
    await Promise.all(
      Array.from({ length: Math.min(jobs, plan.length) }, async () => {
        while (next < plan.length) {
          const i = next++;
          const p = plan[i];
          const r = p.copied === 0 ? { problem: 'no lesson files found (expected <id>.ts files, or an exercises/ folder)' } : await gradeOne(path.join(p.dir, 'project'), path.join(p.dir, 'submission'), budget);
          results[i] = { student: p.student, ...r };
          progress(++done, plan.length, p.student);
        }
      }),
    );
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'grades.csv'), gradesCsv(course.lessons, results));
    writeFileSync(path.join(outDir, 'grades.html'), gradesHtml(course.lessons, results));
    const possible = course.lessons.reduce((n, l) => n + l.points, 0);
    const lines = [''];
    for (const r of results) {
      const earned = r.report?.points.earned ?? 0;
      lines.push(`${earned === possible ? PASS : FAIL} ${r.student.padEnd(24)} ${String(earned).padStart(6)}/${possible}${r.problem ? dim(`  ${r.problem}`) : ''}`);
    }
    lines.push('', `${bold('Wrote')} ${path.join(outDir, 'grades.csv')} and grades.html ${dim(`in ${((Date.now() - started) / 1000).toFixed(1)} s`)}`);
    console.log(lines.join('\n'));
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
