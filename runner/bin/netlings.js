#!/usr/bin/env node
// The netlings command line. Starts light: commands import what they need, and the test
// engine (vitest) only ever runs in a child process.
import { CourseError, loadCourse } from '../core/course.js';
import { UsageError, flagHelp, parseCli } from '../cli/args.js';

const USAGE = `netlings: learn Node.js networking by fixing small programs

Usage (through npm):
  npm run learn [lesson]         the interactive workbook: the lesson you are on (or the one
                                 named), checked on every save
  npm run list                   every lesson, whether it passes, and your points
  npm run verify [lesson]        check one lesson (01, 1, tcp-handshake or 01-tcp-handshake),
                                 or every lesson in order, stopping at the first that fails
  npm run hint <lesson> [n]      hint n (default 1) for a lesson
  npm run reset <lesson>         put the original stub back (your file is saved in .netlings/backups/)
  npm run solution <lesson>      the reference solution, once the lesson passes (or with --force)
  npm run try <lesson>           run your own code and talk to it with real tools (nc, dig, …)
  npm run grade -- <dir>         (teachers) grade every student folder in <dir>: grades.csv/html

Flags (after --, e.g. npm run verify -- 01 --verbose):
${flagHelp()}`;

async function main() {
  const args = parseCli(process.argv.slice(2));
  if (args.flags.help || !args.command) {
    console.log(USAGE);
    return args.command || args.flags.help ? 0 : 2;
  }
  const course = loadCourse();
  switch (args.command) {
    case 'verify':
      return (await import('../cli/verify.js')).verify(course, args);
    case 'hint':
      return (await import('../cli/hint.js')).hint(course, args);
    case 'grade':
      return (await import('../cli/grade.js')).grade(course, args);
    case 'try':
      return (await import('../cli/try.js')).tryLesson(course, args);
    case 'learn':
      return (await import('../cli/learn.js')).learn(course, args);
    case 'list':
      return (await import('../cli/list.js')).list(course, args);
    case 'reset':
      return (await import('../cli/reset.js')).reset(course, args);
    case 'solution':
      return (await import('../cli/solution.js')).solution(course, args);
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // GuardError (engine/launch.js) by name: the engine is only loaded by the commands that run checks.
    if (err instanceof UsageError || err instanceof CourseError || err?.name === 'GuardError') {
      console.error(`netlings: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  },
);
