// The learner's progress: which lessons have passed `verify`. A small JSON file in .netlings/
// (ignored by git), written atomically so a crash or Ctrl-C mid-write never corrupts it.
//
// Format 1 (docs/ARCHITECTURE.md, "State"):
//   { "format": 1, "done": { "01-tcp-handshake": "2026-11-22T10:00:00.000Z" } }
// `done` maps a lesson id to when it last passed. Ids this checkout does not know are kept: a
// learner switching branches must not lose progress on lessons it does not have.
//
// Whatever is on disk, nothing here throws and nothing is lost silently: a BOM is skipped, a
// `done` list of ids is read as such, and a file that cannot be understood (not JSON, another
// shape, a newer format) is kept as a named backup before a new one is written, with a warning.
// A file system in the way (progress.json is a folder, .netlings is a file) gets a message
// saying what to move. Temporary files left by a write that was killed are removed.
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './course.js';

export const STATE_DIR = path.join(ROOT, '.netlings');
const FILE = path.join(STATE_DIR, 'progress.json');
export const FORMAT = 1;

/** @typedef {{ format: 1, done: Record<string, string> }} Progress */
/** @typedef {{ progress: Progress, problem?: string, keep?: boolean }} Loaded  keep: back the file up before writing */

const shown = (/** @type {string} */ file) => {
  const rel = path.relative(ROOT, file);
  return rel.startsWith('..') ? file : rel;
};

/** Why a path cannot be used, in words; undefined for errors we do not expect. */
function fsProblem(/** @type {NodeJS.ErrnoException} */ err, /** @type {string} */ file) {
  const dir = path.dirname(file);
  if (err.code === 'EISDIR') return `${shown(file)} is a folder, not a file. Move it away (e.g. mv ${shown(file)} ${shown(file)}.old) and run again.`;
  if (err.code === 'ENOTDIR') return `${shown(dir)} is a file, not a folder. Move it away (e.g. mv ${shown(dir)} ${shown(dir)}.old) and run again.`;
  if (err.code === 'EACCES' || err.code === 'EPERM') return `${shown(file)} cannot be written (permission denied). Check who owns ${shown(dir)}.`;
  if (err.code === 'EROFS') return `${shown(file)} is on a read-only file system.`;
  if (err.code === 'ENOSPC') return `the disk is full, so ${shown(file)} cannot be written.`;
  return `${shown(file)} cannot be used (${err.code ?? err.message}).`;
}

/**
 * Reads the progress file and says what was wrong with it, if anything.
 * @param {string} [file]
 * @returns {Loaded}
 */
export function loadProgress(file = FILE) {
  /** @type {Progress} */
  const fresh = { format: FORMAT, done: {} };
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = /** @type {NodeJS.ErrnoException} */ (err);
    if (e.code === 'ENOENT') return { progress: fresh };
    return { progress: fresh, problem: `progress cannot be read: ${fsProblem(e, file)}` };
  }
  let data;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { progress: fresh, problem: `${shown(file)} is not valid JSON`, keep: true };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { progress: fresh, problem: `${shown(file)} does not hold progress`, keep: true };
  /** @type {Record<string, string>} */
  const done = {};
  if (Array.isArray(data.done)) {
    // A list of ids: when they passed is unknown, so say "when this file was last written".
    const when = statSync(file, { throwIfNoEntry: false })?.mtime.toISOString() ?? new Date(0).toISOString();
    for (const id of data.done) if (typeof id === 'string') done[id] = when;
  } else if (data.done && typeof data.done === 'object') {
    for (const [id, when] of Object.entries(data.done)) done[id] = typeof when === 'string' ? when : String(when);
  } else if (data.done !== undefined) {
    return { progress: fresh, problem: `${shown(file)} does not hold progress`, keep: true };
  }
  if (data.format === FORMAT) return { progress: { format: FORMAT, done } };
  const which = typeof data.format === 'number' && data.format > FORMAT ? `was written by a newer netlings (format ${data.format})` : `has an unknown format (${JSON.stringify(data.format)})`;
  return { progress: { format: FORMAT, done }, problem: `${shown(file)} ${which}`, keep: true };
}

/** The progress, or none: for reading only (never throws). */
export function readProgress(file = FILE) {
  return loadProgress(file).progress;
}

/** Removes `<file>.<pid>.tmp` files left by writes that were killed before their rename. */
function removeStaleTemp(/** @type {string} */ file) {
  const base = path.basename(file);
  let names;
  try {
    names = readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.match(/^(.+)\.(\d+)\.tmp$/);
    if (!m || m[1] !== base || Number(m[2]) === process.pid) continue;
    const pid = Number(m[2]);
    let running = false;
    try {
      process.kill(pid, 0);
      running = Date.now() - (statSync(path.join(path.dirname(file), name), { throwIfNoEntry: false })?.mtimeMs ?? 0) < 60_000;
    } catch {
      running = false;
    }
    if (!running) {
      try {
        unlinkSync(path.join(path.dirname(file), name));
      } catch {
        // Someone else removed it.
      }
    }
  }
}

/**
 * Writes `data` to `file` so that readers see the old or the new content, never a mix:
 * write a temporary file in the same folder, flush it to disk, then rename it over the old one.
 * @param {string} file
 * @param {string} data
 */
export function writeFileAtomic(file, data) {
  mkdirSync(path.dirname(file), { recursive: true });
  removeStaleTemp(file);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing to clean.
    }
    throw err;
  }
}

/** A free name for a backup of `file`: progress.backup-2026-11-23T10-00-00.json */
function backupName(/** @type {string} */ file) {
  const stamp = new Date().toISOString().replace(/\..*$/, '').replace(/:/g, '-');
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.backup-${stamp}${ext}`);
}

/**
 * Records the outcome of verifying lessons. Never throws: what went wrong comes back as
 * sentences for the learner.
 * @param {Record<string, boolean>} outcomes lesson id → passed
 * @returns {{ progress: Progress, warnings: string[] }}
 */
export function recordResults(outcomes, file = FILE) {
  const loaded = loadProgress(file);
  const warnings = [];
  if (loaded.keep) {
    const backup = backupName(file);
    try {
      copyFileSync(file, backup);
      warnings.push(`${loaded.problem}; kept it as ${shown(backup)} and wrote a new one (lessons it listed are kept where they could be read).`);
    } catch (err) {
      warnings.push(`${loaded.problem}, and it could not be backed up (${fsProblem(/** @type {NodeJS.ErrnoException} */ (err), backup)}); progress was not recorded.`);
      return { progress: loaded.progress, warnings };
    }
  } else if (loaded.problem) {
    warnings.push(`${loaded.problem} Progress was not recorded.`);
    return { progress: loaded.progress, warnings };
  }
  const { progress } = loaded;
  for (const [id, passed] of Object.entries(outcomes)) {
    if (passed) progress.done[id] = new Date().toISOString();
    else delete progress.done[id];
  }
  try {
    writeFileAtomic(file, `${JSON.stringify(progress, null, 2)}\n`);
  } catch (err) {
    warnings.push(`progress was not recorded: ${fsProblem(/** @type {NodeJS.ErrnoException} */ (err), file)}`);
  }
  return { progress, warnings };
}
