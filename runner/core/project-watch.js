// What changed in the project while learner code ran. In the sandbox the project is read-only
// to learner code; without one (the fallback guard) it could rewrite netlings' own files, delete
// the learner's, or forge progress. This notices all three: a snapshot before the run, compared
// after it. Progress is put back; the rest is reported, and the run does not count.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './course.js';
import { currentHashes, hashFile } from './integrity.js';
import { writeFileAtomic } from './progress.js';

const PROGRESS = '.netlings/progress.json';

/** Files besides the runner's whose content must not change during a run. */
function otherFiles() {
  const list = ['package.json', 'tsconfig.json'];
  for (const dir of ['lessons', 'solutions']) {
    try {
      for (const name of readdirSync(path.join(ROOT, dir))) if (!name.startsWith('.')) list.push(`${dir}/${name}`);
    } catch {
      // No such folder in this copy.
    }
  }
  return list;
}

const exercises = () => {
  try {
    return readdirSync(path.join(ROOT, 'exercises')).filter((n) => n.endsWith('.ts')).map((n) => `exercises/${n}`);
  } catch {
    return [];
  }
};

const readOrNull = (/** @type {string} */ rel) => {
  try {
    return readFileSync(path.join(ROOT, rel), 'utf8');
  } catch {
    return null;
  }
};

/**
 * Takes the snapshot now; call the result after the run.
 * @param {Map<string, string>} [runner]  currentHashes() now, if already computed
 * @returns {() => { changed: string[], restored: boolean }}  descriptions like "runner/x.ts", "exercises/y.ts (deleted)"
 */
export function watchProject(runner = currentHashes()) {
  const others = new Map(otherFiles().map((f) => [f, hashFile(path.join(ROOT, f))]));
  const learner = exercises();
  const progress = readOrNull(PROGRESS);
  return () => {
    const changed = [];
    const now = currentHashes();
    for (const [file, hash] of runner) if (now.get(file) !== hash) changed.push(now.has(file) ? file : `${file} (deleted)`);
    for (const file of now.keys()) if (!runner.has(file)) changed.push(`${file} (added)`);
    for (const [file, hash] of others) if (hashFile(path.join(ROOT, file)) !== hash) changed.push(existsSync(path.join(ROOT, file)) ? file : `${file} (deleted)`);
    for (const file of learner) if (!existsSync(path.join(ROOT, file))) changed.push(`${file} (deleted)`);
    let restored = false;
    if (readOrNull(PROGRESS) !== progress) {
      try {
        if (progress === null) rmSync(path.join(ROOT, PROGRESS), { force: true, recursive: true });
        else writeFileAtomic(path.join(ROOT, PROGRESS), progress);
        restored = true;
        changed.push(`${PROGRESS} (put back as it was)`);
      } catch {
        changed.push(PROGRESS);
      }
    }
    return { changed, restored };
  };
}
