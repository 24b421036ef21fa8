// Where learn keeps its state and reads the learner's files, and what "the current lesson" is.
// Shared by learn, list, reset and solution so that they all agree.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { STATE_DIR, readProgress, recordResults } from '../core/progress.js';

/** @typedef {import('../core/course.js').Course} Course */
/** @typedef {import('../core/course.js').Lesson} Lesson */

/**
 * The learner's workspace: their exercise files and the state folder (progress, backups).
 * NETLINGS_STATE_DIR moves the state folder (the self-test points it at a temporary folder so
 * that it never touches the checkout's own .netlings/).
 * @typedef {object} Workspace
 * @property {string} exercisesDir  absolute
 * @property {string} stateDir      absolute
 * @property {string} progressFile
 * @property {boolean} records      whether checks here count as the learner's progress
 */

/**
 * @param {{ exercises?: string }} flags
 * @returns {Workspace}
 */
export function workspace(flags = {}) {
  const exercisesDir = path.resolve(ROOT, flags.exercises ?? 'exercises');
  const explicitState = process.env.NETLINGS_STATE_DIR;
  const stateDir = explicitState ? path.resolve(explicitState) : STATE_DIR;
  // As with verify: another folder (a student's submission, solutions/) is not the learner's
  // progress, unless the state folder was chosen for it too.
  const records = exercisesDir === path.join(ROOT, 'exercises') || Boolean(explicitState);
  return { exercisesDir, stateDir, progressFile: path.join(stateDir, 'progress.json'), records };
}

/**
 * The learner's file for a lesson, absolute and as shown to them (relative when inside the repo).
 * @param {Workspace} ws
 * @param {Lesson} lesson
 */
export function exerciseFile(ws, lesson) {
  const file = path.join(ws.exercisesDir, `${lesson.id}.ts`);
  return { file, shown: displayPath(file, ROOT) };
}

/**
 * A path as the learner should read it: relative to `from` when it is inside it, else absolute.
 * @param {string} file
 * @param {string} [from]
 */
export function displayPath(file, from = process.cwd()) {
  const rel = path.relative(from, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** @param {Workspace} ws */
export function doneLessons(ws) {
  return readProgress(ws.progressFile).done;
}

/**
 * @param {Workspace} ws
 * @param {Lesson} lesson
 * @param {boolean} passed
 */
export function record(ws, lesson, passed) {
  if (ws.records) recordResults({ [lesson.id]: passed }, ws.progressFile);
}

/**
 * The first lesson not passed yet, in course order; undefined when every lesson passes.
 * @param {Course} course
 * @param {Record<string, string>} done
 */
export function firstUnfinished(course, done) {
  return course.lessons.find((l) => !done[l.id]);
}

/** `01`, as the learner types it in commands. @param {Lesson} lesson */
export const shortId = (lesson) => String(lesson.number).padStart(2, '0');

/** A file's text, or null when it cannot be read (a learner may delete or rename it). @param {string} file */
export function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
