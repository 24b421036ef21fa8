// `reset`: puts the untouched stub back, after saving the learner's file where they can find it.
// Never loses work: the backup is written and read back before the exercise file is replaced,
// and the replacement is atomic (a crash leaves the old file or the stub, never half of one).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { writeFileAtomic } from '../core/progress.js';

/** @typedef {import('../core/course.js').Lesson} Lesson */

export const STUBS_DIR = path.join(ROOT, 'runner', 'stubs');

/**
 * The stub as the course ships it: the copy in runner/stubs/ (the learner's git history may hold
 * their own commits of the exercise, so HEAD is only the fallback, for a checkout without the copy).
 * @param {Lesson} lesson
 * @returns {{ text: string, source: string }}
 */
export function pristineStub(lesson) {
  const copy = path.join(STUBS_DIR, `${lesson.id}.ts`);
  if (existsSync(copy)) return { text: readFileSync(copy, 'utf8'), source: path.relative(ROOT, copy) };
  try {
    const text = execFileSync('git', ['show', `HEAD:exercises/${lesson.id}.ts`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    return { text, source: `git HEAD:exercises/${lesson.id}.ts` };
  } catch {
    throw new Error(`cannot find the original stub of ${lesson.id}: runner/stubs/${lesson.id}.ts is missing and git has no committed exercises/${lesson.id}.ts`);
  }
}

/** `2026-11-22T10-00-00-123Z`: sortable, and legal in file names everywhere. */
const stamp = (/** @type {Date} */ date) => date.toISOString().replace(/[:.]/g, '-');

/**
 * @param {Lesson} lesson
 * @param {{ file: string, stateDir: string, now?: Date }} where  the exercise file and the state folder
 * @returns {{ backup?: string, unchanged: boolean, source: string }}
 *   backup: where the learner's file was saved (absent when there was nothing to save)
 */
export function resetExercise(lesson, { file, stateDir, now = new Date() }) {
  const { text, source } = pristineStub(lesson);
  /** @type {string | undefined} */
  let current;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined; // no file: nothing to save
  }
  if (current === text) return { unchanged: true, source };
  /** @type {string | undefined} */
  let backup;
  if (current !== undefined) {
    const dir = path.join(stateDir, 'backups');
    for (let n = 0; !backup || existsSync(backup); n++) backup = path.join(dir, `${lesson.id}.${stamp(now)}${n ? `-${n}` : ''}.ts`);
    writeFileAtomic(backup, current);
    if (readFileSync(backup, 'utf8') !== current) throw new Error(`could not save a backup to ${backup}; ${file} was left as it is`);
  }
  writeFileAtomic(file, text);
  return { backup, unchanged: false, source };
}

/**
 * Whether the learner's file is still the untouched stub (learn says so on its first screen).
 * @param {Lesson} lesson
 * @param {string} file
 */
export function isUntouched(lesson, file) {
  try {
    return readFileSync(file, 'utf8') === pristineStub(lesson).text;
  } catch {
    return false;
  }
}
