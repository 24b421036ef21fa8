// The tamper check: a hash manifest of the files that decide a verdict (the hidden tests, the
// harness, and the runner code that runs and reports them), in `sha256sum` format so it can also
// be checked without netlings: `sha256sum -c runner/integrity.sha256`.
//
// `npm run hash-tests` writes it (maintainers, after changing any of these files on purpose);
// `npm run check-tests` and `npm test` check it; `verify` will not record or report a pass while
// it does not match, so a hidden test edited by hand, or by learner code, earns nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './course.js';

export const MANIFEST = 'runner/integrity.sha256';
/** The folders whose files decide a verdict (fixtures, try adapters and tools do not). */
export const COVERED = ['runner/hidden-tests', 'runner/harness', 'runner/engine', 'runner/core', 'runner/cli', 'runner/report', 'runner/bin'];
const SOURCE = /\.(ts|js|mjs|cjs|json)$/;
/** Editor and OS droppings are not part of the runner. */
const IGNORED = (/** @type {string} */ name) => /^[.#]/.test(name) || name.endsWith('~');

export const RESTORE = 'git checkout -- runner/';

/**
 * The covered files that exist under `root`, as sorted repository paths.
 * @param {string} [root]
 */
export function coveredFiles(root = ROOT) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} rel */
  const walk = (rel) => {
    let names;
    try {
      names = readdirSync(path.join(root, rel));
    } catch {
      return;
    }
    for (const name of names) {
      if (IGNORED(name)) continue;
      const child = `${rel}/${name}`;
      const stat = statSync(path.join(root, child), { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(child);
      else if (stat?.isFile() && SOURCE.test(name)) out.push(child);
    }
  };
  for (const dir of COVERED) walk(dir);
  return out.sort();
}

/** sha256 of a file's bytes, hex; undefined when it cannot be read. */
export function hashFile(/** @type {string} */ file) {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * The hashes of the covered files as they are now.
 * @param {string} [root]
 * @returns {Map<string, string>}
 */
export function currentHashes(root = ROOT) {
  return new Map(coveredFiles(root).map((f) => [f, hashFile(path.join(root, f)) ?? '']));
}

/** The manifest's text for `hashes`: one `<sha256>  <path>` line per file, sorted. */
export function manifestText(/** @type {Map<string, string>} */ hashes) {
  return [...hashes].map(([file, hash]) => `${hash}  ${file}\n`).join('');
}

/**
 * @typedef {object} IntegrityReport
 * @property {boolean} ok
 * @property {boolean} manifestMissing
 * @property {string[]} changed   in the manifest, different now
 * @property {string[]} missing   in the manifest, gone now
 * @property {string[]} added     covered, not in the manifest
 */

/**
 * Compares the covered files with the manifest.
 * @param {string} [root]
 * @param {Map<string, string>} [now]  currentHashes(root), if already computed
 * @returns {IntegrityReport}
 */
export function checkIntegrity(root = ROOT, now = currentHashes(root)) {
  const file = path.join(root, MANIFEST);
  if (!existsSync(file)) return { ok: false, manifestMissing: true, changed: [], missing: [], added: [] };
  /** @type {Map<string, string>} */
  const expected = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^([0-9a-f]{64}) [ *](.+)$/);
    if (m) expected.set(m[2], m[1]);
  }
  const changed = [...expected].filter(([f, h]) => now.has(f) && now.get(f) !== h).map(([f]) => f);
  const missing = [...expected.keys()].filter((f) => !now.has(f));
  const added = [...now.keys()].filter((f) => !expected.has(f));
  return { ok: !changed.length && !missing.length && !added.length, manifestMissing: false, changed, missing, added };
}

/** Writes the manifest for the files as they are now; returns how many it lists. */
export function writeManifest(root = ROOT) {
  const hashes = currentHashes(root);
  writeFileSync(path.join(root, MANIFEST), manifestText(hashes));
  return hashes.size;
}

/**
 * One paragraph saying what differs and how to put it right, for learners and maintainers.
 * @param {IntegrityReport} report
 */
export function describeTampering(report) {
  if (report.manifestMissing) return `${MANIFEST} is missing, so netlings cannot tell whether its hidden tests are the ones it shipped.`;
  const list = (/** @type {string} */ what, /** @type {string[]} */ files) =>
    files.length ? [`${what}: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}`] : [];
  return [...list('changed', report.changed), ...list('missing', report.missing), ...list('not in the manifest', report.added)].join('; ');
}
