// vite's transforms of netlings' own modules (hidden tests, harness, worker set-up), kept between
// runs: ~250 ms of every verify. A cache that learner code could write to would be a way to
// replace a hidden test for every later run without touching its file, so:
//   - the cache is filled by a warm-up run that loads no learner code at all (it only collects
//     the hidden tests), once per version of those files (the stamp), into its own folder;
//   - runs read it and never write it: in the sandbox each entry is bound read-only into a
//     private folder (where vite writes whatever else it transforms), without the sandbox the
//     run gets a private copy (launch.js);
//   - learner files are never cached (vitest-options.js, moduleCachePlugin).
// NETLINGS_MODULE_CACHE=off turns it off (npm run grade: every copy of the project is new).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { currentHashes } from '../core/integrity.js';
import { launch } from './launch.js';
import { CACHED_MODULES } from './vitest-options.js';

const CACHE_ROOT = path.join(ROOT, 'node_modules', '.cache', 'netlings');
const READY = 'netlings-ready';
/** Stamps kept for other branches and worktrees: at most KEEP, none unused for MAX_AGE_MS. */
const KEEP = 24;
const MAX_AGE_MS = 7 * 24 * 3_600_000;

/**
 * Identifies the cached modules' sources, the tools that transform them, and where they are.
 * @param {Map<string, string>} hashes
 */
function stamp(hashes) {
  const hash = createHash('sha256');
  hash.update(`${process.version}\n${ROOT}\n`);
  try {
    hash.update(readFileSync(path.join(ROOT, 'node_modules', 'vitest', 'package.json')));
  } catch {
    hash.update('no vitest');
  }
  const cached = CACHED_MODULES.map((dir) => path.relative(ROOT, dir).split(path.sep).join('/') + '/');
  for (const [file, h] of hashes) if (cached.some((dir) => file.startsWith(dir))) hash.update(`${file} ${h}\n`);
  return hash.digest('hex').slice(0, 16);
}

const entriesOf = (/** @type {string} */ dir) => readdirSync(dir).filter((n) => !n.startsWith('.') && n !== READY && !n.startsWith('_'));

/**
 * The warm cache for the current sources, made first if needed.
 * @param {Map<string, string>} [hashes]  core/integrity.js currentHashes(), if already computed
 * @returns {Promise<{ dir: string, entries: string[] } | undefined>} undefined: run without it
 */
export async function warmModuleCache(hashes) {
  if (process.env.NETLINGS_MODULE_CACHE === 'off') return undefined;
  const dir = path.join(CACHE_ROOT, `modules-${stamp(hashes ?? currentHashes())}`);
  try {
    if (existsSync(path.join(dir, READY))) {
      touch(dir);
      return { dir, entries: entriesOf(dir) };
    }
    mkdirSync(CACHE_ROOT, { recursive: true });
    const tmp = mkdtempSync(path.join(CACHE_ROOT, '.warming-'));
    const empty = mkdtempSync(path.join(CACHE_ROOT, '.no-exercises-'));
    const ok = await warmUp(tmp, empty);
    rmSync(empty, { recursive: true, force: true });
    if (!ok) {
      rmSync(tmp, { recursive: true, force: true });
      return undefined;
    }
    writeFileSync(path.join(tmp, READY), '');
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another run got there first
    }
    prune(dir);
    return existsSync(path.join(dir, READY)) ? { dir, entries: entriesOf(dir) } : undefined;
  } catch {
    return undefined; // a read-only node_modules, a full disk: only slower
  }
}

/**
 * Collects every hidden test with the cache in `cacheDir`, and no learner files at all.
 * @param {string} cacheDir
 * @param {string} emptyDir
 */
function warmUp(cacheDir, emptyDir) {
  return new Promise((resolve) => {
    let done = false;
    const job = { files: [], exercisesDir: emptyDir, stopOnFailure: false, mode: 'warm' };
    /** @type {import('./launch.js').TestProcess | undefined} */
    let handle;
    const end = (/** @type {boolean} */ ok) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      handle?.kill();
      resolve(ok);
    };
    const timer = setTimeout(() => end(false), 60_000);
    launch({
      job,
      exercisesDir: emptyDir,
      moduleCache: undefined,
      writableDir: cacheDir,
      onStart: (h) => (handle = h),
      onMessage: (msg) => msg?.type === 'done' && end(true),
      onExit: () => end(false),
      onOutput: () => {},
    }).catch(() => end(false));
  });
}

/** Marks a stamp as used now, so pruning keeps what is in use. */
function touch(/** @type {string} */ dir) {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // Read-only: then nothing prunes it either.
  }
}

/** Removes the least recently used stamps beyond KEEP or older than MAX_AGE_MS, and warm-ups that never finished. */
function prune(/** @type {string} */ keep) {
  try {
    const all = readdirSync(CACHE_ROOT).map((name) => ({ name, mtime: statSync(path.join(CACHE_ROOT, name)).mtimeMs }));
    const stamps = all.filter((d) => d.name.startsWith('modules-') && path.join(CACHE_ROOT, d.name) !== keep).sort((a, b) => b.mtime - a.mtime);
    const stale = all.filter((d) => d.name.startsWith('.') && Date.now() - d.mtime > 3_600_000);
    const unused = stamps.filter((d, i) => i >= KEEP - 1 || Date.now() - d.mtime > MAX_AGE_MS);
    for (const { name } of [...unused, ...stale]) rmSync(path.join(CACHE_ROOT, name), { recursive: true, force: true });
  } catch {
    // Best effort.
  }
}
