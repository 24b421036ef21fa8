// `netlings reset <lesson>`: the untouched stub back in exercises/, after saving the learner's
// file in .netlings/backups/ (the message names the backup).
import { displayPath, exerciseFile, workspace } from '../learn/state.js';
import { resetExercise } from '../learn/stubs.js';
import { PASS, bold, dim } from '../report/style.js';
import { UsageError } from './args.js';
import { selectLessons } from './verify.js';

/**
 * @param {import('../core/course.js').Course} course
 * @param {{ positionals: string[], flags: { exercises?: string } }} args
 */
export function reset(course, { positionals, flags }) {
  if (positionals.length !== 1) throw new UsageError('say which lesson to reset, e.g. npm run reset 01');
  const [lesson] = selectLessons(course, positionals);
  const ws = workspace(flags);
  const { file, shown } = exerciseFile(ws, lesson);
  const { backup, unchanged } = resetExercise(lesson, { file, stateDir: ws.stateDir });
  if (unchanged) {
    console.log(`${shown} is already the original stub: nothing to reset.`);
    return 0;
  }
  const lines = [`${PASS} ${shown} is the original stub again.`];
  if (backup) {
    const rel = displayPath(backup);
    lines.push(`Your version is saved as ${bold(rel)}.`, dim(`To get it back: cp ${rel} ${shown}`));
  }
  console.log(lines.join('\n'));
  return 0;
}
