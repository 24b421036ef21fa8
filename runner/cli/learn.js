// `netlings learn [lesson] [--manual] [--exercises DIR]`: the interactive workbook (learn/app.js)
// in a terminal. Without one, or in CI, it prints the status and the next command and exits 0:
// it never waits for a key nobody can press.
import { lessonTable, nextSteps } from '../learn/status.js';
import { doneLessons, exerciseFile, firstUnfinished, workspace } from '../learn/state.js';
import { interactive } from '../learn/terminal.js';
import { bold } from '../report/style.js';
import { UsageError } from './args.js';
import { selectLessons } from './verify.js';

/**
 * @param {import('../core/course.js').Course} course
 * @param {{ positionals: string[], flags: { exercises?: string, manual?: boolean } }} args
 */
export async function learn(course, { positionals, flags }) {
  if (positionals.length > 1) throw new UsageError('learn opens one lesson: npm run learn, or npm run learn 01');
  const ws = workspace(flags);
  const done = doneLessons(ws);
  const start = positionals.length ? selectLessons(course, positionals)[0] : firstUnfinished(course, done);
  if (!interactive()) {
    const lines = [bold('netlings: Node.js networking, one lesson at a time'), '', ...lessonTable(course, done, start), '', ...nextSteps(start, start ? exerciseFile(ws, start).shown : '', { passed: Boolean(start && done[start.id]) })];
    console.log(lines.join('\n'));
    return 0;
  }
  const { runLearn } = await import('../learn/app.js');
  const { coldChecker, warmChecker } = await import('../learn/checker.js');
  let checker;
  /** @type {{ close(): void } | undefined} */
  let server;
  if (process.env.NETLINGS_WARM === 'off') {
    checker = coldChecker({ exercisesDir: ws.exercisesDir });
  } else {
    const warm = await warmChecker({ exercisesDir: ws.exercisesDir });
    checker = warm;
    // verify in another terminal borrows the warm runner (engine/warm-server.js).
    const { serveWarm } = await import('../engine/warm-server.js');
    server = await serveWarm(warm.runner, course);
  }
  let code = 1;
  try {
    code = await runLearn({ course, start, ws, manual: Boolean(flags.manual), checker });
  } finally {
    server?.close();
    await checker.close();
  }
  // A cold check may still be running in its own process: it notices we left and ends itself.
  process.exit(code);
}
