// `netlings verify [lesson] [--exercises DIR] [--verbose]`
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, findLesson } from '../core/course.js';
import { recordResults } from '../core/progress.js';
import { FAIL, PASS, bold, dim, yellow } from '../report/style.js';
import { gradeLesson } from '../report/grades.js';
import { gradeTable } from '../report/grade-table.js';
import { countChecks, formatLesson, formatPassedLine } from '../report/verify-report.js';
import { UsageError } from './args.js';
import { checkedRun, distrusted, guardLine } from './checked-run.js';

/** @typedef {import('../core/course.js').Course} Course */

/**
 * @param {Course} course
 * @param {string[]} names
 */
export function selectLessons(course, names) {
  if (names.length === 0) return course.lessons;
  return names.map((name) => {
    const lesson = findLesson(course, name);
    if (!lesson) {
      const ids = course.lessons.map((l) => `  ${l.id}`).join('\n');
      throw new UsageError(`no lesson called "${name}". Use an id, its number or its name, e.g. "01", "1" or "tcp-handshake":\n${ids}`);
    }
    return lesson;
  });
}

/**
 * @param {Course} course
 * @param {{ positionals: string[], flags: { exercises?: string, verbose?: boolean, all?: boolean, reporter?: string, output?: string, timeline?: boolean, 'no-timeline'?: boolean } }} args
 * @returns {Promise<number>} the exit code
 */
export async function verify(course, { positionals, flags }) {
  const timeline = timelineMode(flags);
  if (flags.all && positionals.length) throw new UsageError('--all checks every lesson: leave out the lesson name, or leave out --all');
  if (flags.reporter !== undefined && !['json', 'junit'].includes(flags.reporter)) throw new UsageError(`--reporter takes json or junit, not "${flags.reporter}"`);
  if (flags.output !== undefined && flags.reporter === undefined) throw new UsageError('--output goes with --reporter json or --reporter junit');
  const lessons = selectLessons(course, positionals);
  const exercisesDir = flags.exercises ?? 'exercises';
  if (flags.exercises !== undefined) {
    const stat = statSync(path.resolve(ROOT, exercisesDir), { throwIfNoEntry: false });
    if (!stat) throw new UsageError(`--exercises ${exercisesDir}: there is no such folder`);
    if (!stat.isDirectory()) throw new UsageError(`--exercises ${exercisesDir} is a file: give the folder that holds the lesson files (e.g. --exercises ${path.dirname(exercisesDir)})`);
  }
  const learnerFiles = path.resolve(ROOT, exercisesDir) === path.join(ROOT, 'exercises');
  if (flags.all || flags.reporter) {
    return grade(lessons, { ...flags, exercisesDir, learnerFiles, stopOnFailure: !flags.all && positionals.length === 0 });
  }
  const all = positionals.length === 0;
  const { run, distrust } = await checkedRun({ lessons, exercisesDir, stopOnFailure: all });
  const byId = new Map(run.lessons.map((r) => [r.id, r]));
  /** @type {Record<string, boolean>} */
  const outcomes = {};
  const out = [];
  let failedLesson;
  for (const lesson of lessons) {
    const result = /** @type {import('../engine/run-checks.js').LessonResult} */ (byId.get(lesson.id));
    if (result.state === 'not-run') continue;
    outcomes[lesson.id] = result.state === 'passed';
    if (all && result.state === 'passed') out.push(formatPassedLine(lesson, result));
    else out.push(formatLesson(lesson, result, { verbose: flags.verbose, timeline, width: process.stdout.columns }));
    if (result.state !== 'passed') {
      failedLesson = lesson;
      break;
    }
  }
  const recorded = learnerFiles && !distrust ? recordResults(outcomes) : undefined;
  const warnings = recorded?.warnings ?? [];
  const where = learnerFiles ? '' : ` in ${exercisesDir}`;
  if (distrust) {
    out.push('', distrust.text);
  } else if (all) {
    const done = lessons.filter((l) => outcomes[l.id]).length;
    // The run stops at the first lesson that fails: those after it were not checked this time.
    const unchecked = failedLesson ? lessons.length - done - 1 : 0;
    out.push('', `${done === lessons.length ? PASS : FAIL} ${bold(`${done}/${lessons.length} lessons pass in order`)}${where}${unchecked ? dim(`; the ${unchecked} after ${failedLesson?.id} were not checked (npm run list shows what you passed)`) : ''}`);
  } else {
    out.push('');
  }
  if (failedLesson) {
    const result = /** @type {import('../engine/run-checks.js').LessonResult} */ (byId.get(failedLesson.id));
    const { passed, total } = countChecks(result);
    const num = String(failedLesson.number).padStart(2, '0');
    if (total) out.push(`${passed} of ${total} checks pass in ${failedLesson.id}.`);
    out.push(
      `Next: fix the first ${FAIL} above in ${path.join(exercisesDir, `${failedLesson.id}.ts`)}, then run ${bold(`npm run verify ${num}`)} again.`,
      dim(`Stuck? ${`npm run hint ${num}`} shows hint 1 of ${failedLesson.hints.length}; the explainer is lessons/${failedLesson.id}.md.`),
    );
  } else if (!all && !distrust) {
    for (const lesson of lessons) {
      const { total } = countChecks(/** @type {any} */ (byId.get(lesson.id)));
      out.push(`${PASS} ${bold(lesson.id)}: all ${total} checks pass${where}.`);
    }
    const next = course.lessons.find((l) => l.index === lessons[lessons.length - 1].index + 1);
    const todo = recorded ? course.lessons.filter((l) => !recorded.progress.done[l.id]) : [];
    if (next && learnerFiles) out.push(`Next lesson: ${bold(next.id)} · ${next.title} (npm run learn)`);
    else if (learnerFiles && todo.length) out.push(`That was the last lesson. Still to do: ${todo.map((l) => l.id).join(', ')} (npm run learn opens the first).`);
    else if (learnerFiles) out.push('That was the last lesson, and every lesson passes. Well done!');
  } else if (learnerFiles) {
    out.push('Every lesson passes. Well done!');
  }
  for (const w of warnings) out.push(yellow(`netlings: ${w}`));
  if (flags.verbose) out.push(guardLine(run), ...(run.output.trim() ? [dim(`test process output (last part):\n${run.output.trimEnd()}`)] : []));
  console.log(out.join('\n'));
  return failedLesson || distrust ? 1 : 0;
}

/**
 * Whose wire timeline to draw, from --timeline / --no-timeline. The test process reads the same
 * choice from NETLINGS_TIMELINE (harness/timeline.ts): `all` sends every check's events, `off`
 * records nothing. Without a flag, an NETLINGS_TIMELINE already set (npm run bench) is kept.
 * @param {{ timeline?: boolean, 'no-timeline'?: boolean }} flags
 * @returns {'failed' | 'all' | 'off'}
 */
function timelineMode(flags) {
  if (flags.timeline && flags['no-timeline']) throw new UsageError('--timeline shows the wire timeline of every check, --no-timeline of none: use one of them');
  if (flags.timeline) process.env.NETLINGS_TIMELINE = 'all';
  if (flags['no-timeline']) process.env.NETLINGS_TIMELINE = 'off';
  const mode = process.env.NETLINGS_TIMELINE;
  return mode === 'all' || mode === 'off' ? mode : 'failed';
}

/**
 * verify --all and/or --reporter: every lesson asked for is run (all of them with --all, without
 * stopping), each failing lesson's report is printed, then the points table; the machine-readable
 * report goes to --output, or replaces the human output on stdout.
 * @param {import('../core/course.js').Lesson[]} lessons
 * @param {{ exercisesDir: string, learnerFiles: boolean, stopOnFailure: boolean, verbose?: boolean, reporter?: string, output?: string }} options
 */
async function grade(lessons, { exercisesDir, learnerFiles, stopOnFailure, verbose, reporter, output }) {
  const checked = await checkedRun({ lessons, exercisesDir, stopOnFailure });
  const run = checked.distrust ? distrusted(checked.run, checked.distrust) : checked.run;
  const byId = new Map(run.lessons.map((r) => [r.id, r]));
  const grades = lessons.map((l) => gradeLesson(l, byId.get(l.id)));
  const warnings = learnerFiles && !checked.distrust ? recordResults(Object.fromEntries(run.lessons.filter((r) => r.state !== 'not-run').map((r) => [r.id, r.state === 'passed']))).warnings : [];
  /** @type {string | undefined} */
  let machine;
  if (reporter === 'json') machine = `${JSON.stringify((await import('../report/json-report.js')).jsonReport(lessons, run), null, 2)}\n`;
  if (reporter === 'junit') machine = (await import('../report/junit-report.js')).junitReport(lessons, run);
  if (machine !== undefined && output === undefined) {
    process.stdout.write(machine);
  } else {
    if (machine !== undefined && output !== undefined) writeFileSync(path.resolve(output), machine);
    const out = [];
    for (const lesson of lessons) {
      const result = byId.get(lesson.id);
      if (!result || result.state === 'not-run') continue;
      out.push(result.state === 'passed' ? formatPassedLine(lesson, result) : `${formatLesson(lesson, result, { verbose, timeline: timelineMode({}), width: process.stdout.columns })}\n`);
    }
    out.push('', gradeTable(grades));
    if (checked.distrust) out.push('', checked.distrust.text);
    if (output !== undefined) out.push(dim(`${reporter} report written to ${output}`));
    for (const w of warnings) out.push(yellow(`netlings: ${w}`));
    if (verbose) out.push(guardLine(run));
    console.log(out.join('\n'));
  }
  return grades.every((g) => g.status === 'pass') ? 0 : 1;
}
