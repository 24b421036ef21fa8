// The committed results of the last mutation run, one baseline per lesson, so that
// `npm run mutate` in CI re-tests only mutants whose code or checks changed.
//   runner/mutation/baseline/<id>.json   StrykerJS's incremental report for the lesson
//   runner/mutation/baseline/<id>.stamp  a hash of what Stryker cannot see changing: the harness
//                                        and the vitest settings the checks run with
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';

export const BASELINE_DIR = path.join(ROOT, 'runner', 'mutation', 'baseline');

/** Files outside the lesson's own test and solution that decide whether a check kills a mutant. */
function stampedFiles() {
  const harness = path.join(ROOT, 'runner', 'harness');
  return [
    ...readdirSync(harness).filter((f) => /\.(ts|js)$/.test(f)).map((f) => path.join(harness, f)),
    path.join(ROOT, 'runner', 'engine', 'vitest-options.js'),
    path.join(ROOT, 'runner', 'engine', 'worker-setup.js'),
    path.join(ROOT, 'runner', 'mutation', 'vitest.config.js'),
  ].sort();
}

/** A hash of the harness and settings; line endings normalised (a Windows checkout hashes alike). */
export function harnessStamp() {
  const hash = createHash('sha256');
  for (const file of stampedFiles()) {
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
