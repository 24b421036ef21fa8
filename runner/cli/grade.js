// `npm run grade -- <submissions-dir> [--output DIR] [--jobs N] [--lessons LIST]`: grades many
// students at once. Each sub-folder is one student's copy of the project or their exercises/
// folder. Submissions are untrusted: each is graded by `verify --reporter json` in its own
// process group (grade-run.js), on a copy of its lesson files made before any student code runs;
// the test process inside is sandboxed where the platform allows (see docs/ARCHITECTURE.md):
//   - with the sandbox, every run uses this checkout (read-only to learner code) and its warm
//     module cache, and a run that cannot have the sandbox is not graded;
//   - without it, every submission gets its own copy of the runner, and the report says plainly
//     what that does and does not protect (report/grade-isolation.js).
// Writes grades.csv and grades.html.
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { RESTORE, checkIntegrity, currentHashes, describeTampering } from '../core/integrity.js';
import { writeFileAtomic } from '../core/progress.js';
import { warmModuleCache } from '../engine/module-cache.js';
import { isolationText } from '../report/grade-isolation.js';
import { gradesCsv, gradesHtml } from '../report/grades-files.js';
import { FAIL, PASS, bold, dim, yellow } from '../report/style.js';
import { UsageError } from './args.js';
import { copyRunner, copySubmission, gradeOne, sandboxHere } from './grade-run.js';
import { selectLessons } from './verify.js';

/** Per lesson, on top of verify's own per-lesson budget: only a runner fault gets here. */
const BUDGET_PER_LESSON_MS = 90_000;

/** npm runs scripts in the package root; the teacher's relative paths mean where they typed. */
const fromCaller = (/** @type {string} */ p) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

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
 * @param {{ positionals: string[], flags: { output?: string, jobs?: string, lessons?: string } }} args
 */
export async function grade(course, { positionals, flags }) {
  if (positionals.length !== 1) throw new UsageError('say which folder holds the submissions, e.g. npm run grade -- ./submissions');
  const root = fromCaller(positionals[0]);
  if (!existsSync(root) || !lstatSync(root).isDirectory()) throw new UsageError(`${positionals[0]} is not a folder`);
  const jobs = flags.jobs === undefined ? os.availableParallelism() : Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${flags.jobs}"`);
  const lessons = flags.lessons === undefined ? course.lessons : selectLessons(course, flags.lessons.split(',').map((s) => s.trim()).filter(Boolean));
  if (!lessons.length) throw new UsageError('--lessons names no lesson: give a comma-separated list, e.g. --lessons 01,02');
  const ids = [...new Set(lessons.map((l) => l.id))];
  const graded = course.lessons.filter((l) => ids.includes(l.id)); // course order, once each
  const outDir = fromCaller(flags.output ?? 'grades');
  const students = readdirSync(root)
    .filter((name) => !name.startsWith('.') && lstatSync(path.join(root, name)).isDirectory())
    .sort((a, b) => a.localeCompare(b));
  if (!students.length) throw new UsageError(`${positionals[0]} has no sub-folders: put each student's copy (or exercises/ folder) in its own`);

  // Every run would refuse to count: say it once, before grading anyone.
  const hashes = currentHashes();
  const integrity = checkIntegrity(undefined, hashes);
  if (!integrity.ok) {
    console.error(`${FAIL} this checkout's hidden tests or runner differ from its hash manifest (${describeTampering(integrity)}), so no grade would count.`);
    console.error(`  Restore them (${RESTORE}), or if you changed them on purpose: npm run hash-tests`);
    return 1;
  }
  const isolation = sandboxHere();
  const note = isolationText(isolation);
  console.log(isolation.sandbox ? dim(note) : yellow(note));
  if (isolation.sandbox) await warmModuleCache(hashes); // once, before the runs that share it

  const work = mkdtempSync(path.join(os.tmpdir(), 'netlings-grade-'));
  const started = Date.now();
  try {
    // Every copy is made before any student's code runs, so none can change another's.
    const plan = students.map((student, i) => {
      const dir = path.join(work, String(i));
      if (!isolation.sandbox) copyRunner(path.join(dir, 'project'));
      const copied = copySubmission(path.join(root, student), ids, path.join(dir, 'submission'));
      return { student, dir, copied };
    });
    /** @type {import('../report/grades-files.js').StudentResult[]} */
    const results = new Array(plan.length);
    let next = 0;
    let done = 0;
    const budgetMs = BUDGET_PER_LESSON_MS * ids.length;
    console.log(`Grading ${plan.length} submissions of ${ids.length} lesson${ids.length === 1 ? '' : 's'}, ${Math.min(jobs, plan.length)} at a time…`);
    await Promise.all(
      Array.from({ length: Math.min(jobs, plan.length) }, async () => {
        while (next < plan.length) {
          const i = next++;
          const p = plan[i];
          const projectDir = isolation.sandbox ? ROOT : path.join(p.dir, 'project');
          const r =
            p.copied === 0
              ? { problem: 'no lesson files found (expected <id>.ts files, or an exercises/ folder)' }
              : await gradeOne({ projectDir, exercisesDir: path.join(p.dir, 'submission'), lessonIds: ids, budgetMs, sandbox: isolation.sandbox, hide: root });
          results[i] = { student: p.student, ...r };
          progress(++done, plan.length, p.student);
        }
      }),
    );
    // Renamed into place: a link planted where a grades file goes is replaced, never followed.
    writeFileAtomic(path.join(outDir, 'grades.csv'), gradesCsv(graded, results));
    writeFileAtomic(path.join(outDir, 'grades.html'), gradesHtml(graded, results, { isolation }));
    const possible = graded.reduce((n, l) => n + l.points, 0);
    const lines = [''];
    for (const r of results) {
      const earned = r.report?.points.earned ?? 0;
      lines.push(`${earned === possible ? PASS : FAIL} ${r.student.padEnd(24)} ${String(earned).padStart(6)}/${possible}${r.problem ? dim(`  ${r.problem}`) : ''}`);
    }
    if (!isolation.sandbox) lines.push('', yellow(`NO SANDBOX: these grades are only as trustworthy as the submissions (see grades.html, and docs/classroom.md).`));
    lines.push('', `${bold('Wrote')} ${path.join(outDir, 'grades.csv')} and grades.html ${dim(`in ${((Date.now() - started) / 1000).toFixed(1)} s`)}`);
    console.log(lines.join('\n'));
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
