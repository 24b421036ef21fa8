// The learner's progress: which lessons have passed `verify`. A small JSON file in .netlings/
// (ignored by git), written atomically so a crash or Ctrl-C mid-write never corrupts it.
//
// Format (version 1):
//   { "format": 1, "done": { "01-tcp-handshake": "2026-11-22T10:00:00.000Z" } }
// `done` maps a lesson id to when it last passed. Unknown ids are kept: a learner switching
// branches should not lose progress on lessons this checkout does not have.
import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './course.js';

export const STATE_DIR = path.join(ROOT, '.netlings');
const FILE = path.join(STATE_DIR, 'progress.json');

/** @typedef {{ format: 1, done: Record<string, string> }} Progress */

/** @returns {Progress} */
export function readProgress(file = FILE) {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    if (data?.format === 1 && data.done && typeof data.done === 'object') return data;
  } catch {
    // Missing or unreadable: start fresh rather than refuse to run. Lessons are re-verified anyway.
  }
  return { format: 1, done: {} };
}

/**
 * Writes `data` to `file` so that readers see the old or the new content, never a mix:
 * write a temporary file in the same folder, flush it to disk, then rename it over the old one.
 * @param {string} file
 * @param {string} data
 */
export function writeFileAtomic(file, data) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Records the outcome of verifying lessons.
 * @param {Record<string, boolean>} outcomes lesson id → passed
 */
export function recordResults(outcomes, file = FILE) {
  const progress = readProgress(file);
  for (const [id, passed] of Object.entries(outcomes)) {
    if (passed) progress.done[id] = new Date().toISOString();
    else delete progress.done[id];
  }
  writeFileAtomic(file, `${JSON.stringify(progress, null, 2)}\n`);
  return progress;
}
