// `netlings try <lesson> [--port N] [--exercises DIR]`: runs the learner's own code (through the
// lesson's try adapter, under tsx) and prints the explainer's commands to talk to it with real
// tools, filled in with the real port. Runs until Ctrl+C, then closes everything it started.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { consoleCommands, fill, isInstalled, TOOLS, toolsOf } from '../core/console-blocks.js';
import { ROOT } from '../core/course.js';
import { TryStartError, startTry } from '../try/session.js';
import { FAIL, bold, cyan, dim, yellow } from '../report/style.js';
import { UsageError } from './args.js';
import { selectLessons } from './verify.js';


/**
 * @param {import('../core/course.js').Course} course
 * @param {{ positionals: string[], flags: { exercises?: string, port?: string } }} args
 */
export async function tryLesson(course, { positionals, flags }) {
  if (positionals.length !== 1) throw new UsageError('say which lesson to try, e.g. npm run try 01');
  const [lesson] = selectLessons(course, positionals);
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a number from 0 to 65535, not "${flags.port}"`);
  const exercisesDir = flags.exercises ?? 'exercises';

  let session;
  try {
    session = await startTry({ lesson, exercisesDir, port });
  } catch (err) {
    if (!(err instanceof TryStartError)) throw err;
    const p = /** @type {import('../try/session.js').Problem} */ (err.problem);
    console.log(`${FAIL} ${p.message}`);
    if (p.location) console.log(`  ${dim('at'.padEnd(6))}${p.location}`);
    if (p.hint) console.log(`  ${dim('hint'.padEnd(6))}${yellow(p.hint)}`);
    return 1;
  }
  const values = session.placeholders;
  const out = [`${bold(lesson.id)} ${dim('·')} ${session.what} is running${values.PORT ? ` on ${bold(`127.0.0.1:${values.PORT}`)}` : ''}.`];
  const commands = consoleCommands(readFileSync(path.join(ROOT, lesson.explainer), 'utf8'));
  if (commands.length) out.push('', `Talk to it from another terminal (from ${lesson.explainer}, "Try it"):`);
  const missing = new Set();
  for (const c of commands) {
    out.push('', `  ${cyan('$')} ${fill(c.command, values)}`);
    for (const line of c.expected) out.push(dim(`    ${fill(line, values)}`));
    for (const tool of toolsOf(c.command)) if (!isInstalled(tool)) missing.add(tool);
  }
  for (const tool of missing) out.push('', `${yellow(`${tool} is not installed.`)} ${TOOLS[/** @type {keyof typeof TOOLS} */ (tool)]}`);
  if (values.CERTS) out.push('', `Certificates for this session: ${values.CERTS}`);
  out.push('', dim('Your code prints below. Ctrl+C stops it.'), '');
  console.log(out.join('\n'));

  const stop = () => void session.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const crash = await session.ended;
  if (crash) {
    console.log(`\n${FAIL} ${crash.message}`);
    if (crash.location) console.log(`  ${dim('at'.padEnd(6))}${crash.location}`);
    return 1;
  }
  console.log(dim('\nStopped; everything it started is closed.'));
  return 0;
}
