// The committed results of the last mutation run, one baseline per lesson, so that
// `npm run mutate` in CI re-tests only mutants whose code or checks changed.
//   runner/mutation/baseline/<id>.json   StrykerJS's incremental report for the lesson
//   runner/mutation/baseline/<id>.stamp  a hash of what Stryker cannot see changing: the harness
//                                        modules the lesson's checks import, and the settings
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';

export const BASELINE_DIR = path.join(ROOT, 'runner', 'mutation', 'baseline');

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * `file` and every file it imports by a relative path, transitively (the harness a test uses).
 * @param {string} file
 * @param {Set<string>} [seen]
 * @returns {Set<string>}
 */
function importClosure(file, seen = new Set()) {
  if (seen.has(file) || !existsSync(file)) return seen;
  seen.add(file);
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) importClosure(path.resolve(path.dirname(file), spec), seen);
  return seen;
}

/**
 * Files outside the lesson's own test and solution that decide whether a check kills a mutant:
 * the harness modules its test file imports (not the whole harness, so a change to the TLS
 * helpers does not re-test the UDP lesson), the worker set-up and the vitest settings.
 * @param {string} lessonId
 */
function stampedFiles(lessonId) {
  const test = path.join(ROOT, 'runner', 'hidden-tests', `${lessonId}.test.ts`);
  const files = new Set([
    ...importClosure(test),
    ...importClosure(path.join(ROOT, 'runner', 'engine', 'worker-setup.js')),
    path.join(ROOT, 'runner', 'engine', 'vitest-options.js'),
    path.join(ROOT, 'runner', 'mutation', 'vitest.config.js'),
  ]);
  files.delete(test); // Stryker follows the test file itself
  return [...files].sort();
}

/**
 * A hash of the harness and settings a lesson's checks run on; line endings normalised (a
 * Windows checkout hashes alike).
 * @param {string} lessonId
 */
export function harnessStamp(lessonId) {
  const hash = createHash('sha256');
  for (const file of stampedFiles(lessonId)) {
    hash.update(path.relative(ROOT, file).split(path.sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file, 'utf8').replace(/\r\n/g, '\n'));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** @param {string} lessonId */
export function readBaseline(lessonId) {
  const stampFile = path.join(BASELINE_DIR, `${lessonId}.stamp`);
  return {
    /** Relative to the project: StrykerJS resolves it from its working directory. */
    file: path.relative(ROOT, path.join(BASELINE_DIR, `${lessonId}.json`)).split(path.sep).join('/'),
    stamp: existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '',
  };
}

/**
 * @param {string} lessonId
 * @param {string} stamp
 */
export function writeStamp(lessonId, stamp) {
  mkdirSync(BASELINE_DIR, { recursive: true });
  writeFileSync(path.join(BASELINE_DIR, `${lessonId}.stamp`), `${stamp}\n`);
}
