// Shared by the self-test files: running the real CLI, throwaway copies of the project, finding
// processes a run left behind, and reading fixture expectations.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../core/course.js';

export const CLI = path.join(ROOT, 'runner', 'bin', 'netlings.js');
export const FIXTURES = path.join(ROOT, 'runner', 'self-test', 'fixtures');

/**
 * Runs the netlings CLI as a learner would and returns its exit code, output and duration.
 * @param {string[]} args
 * @param {Record<string, string | undefined>} [env]
 * @param {string} [root]  a copy of the project (copyProject) to run in, instead of this one
 */
export function runCli(args, env = {}, root = ROOT) {
  return new Promise((resolve) => {
    const started = Date.now();
    const cli = path.join(root, 'runner', 'bin', 'netlings.js');
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve(/** @type {{ code: number, out: string, ms: number }} */ ({ code, out, ms: Date.now() - started })));
  });
}

/**
 * A throwaway copy of the project to run hostile code in: the runner (without the fixtures, but
 * with `fixtureDir` if given, at the same place), lessons, exercises, solutions and package
 * files; node_modules is linked. Returns its folder.
 * @param {{ fixtureDir?: string }} [options]
 */
export function copyProject({ fixtureDir } = {}) {
  const dest = mkdtempSync(path.join(tmpdir(), 'netlings-project-'));
  cpSync(path.join(ROOT, 'runner'), path.join(dest, 'runner'), { recursive: true, filter: (src) => src !== FIXTURES });
  if (fixtureDir) cpSync(fixtureDir, path.join(dest, path.relative(ROOT, fixtureDir)), { recursive: true });
  for (const item of ['lessons', 'exercises', 'solutions', 'package.json', 'tsconfig.json']) cpSync(path.join(ROOT, item), path.join(dest, item), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  return dest;
}

/**
 * Every file of a project copy but node_modules, with a hash of its content: to prove that a
 * run changed nothing.
 * @param {string} root
 * @returns {Map<string, string>}
 */
export function projectFiles(root) {
  /** @type {Map<string, string>} */
  const files = new Map();
  /** @param {string} rel */
  const walk = (rel) => {
    for (const name of readdirSync(path.join(root, rel))) {
      if (!rel && name === 'node_modules') continue;
      const child = rel ? `${rel}/${name}` : name;
      const stat = statSync(path.join(root, child));
      if (stat.isDirectory()) walk(child);
      else files.set(child, createHash('sha256').update(readFileSync(path.join(root, child))).digest('hex'));
    }
  };
  walk('');
  return files;
}

/** The paths that differ between two projectFiles() maps. */
export function changedFiles(/** @type {Map<string, string>} */ before, /** @type {Map<string, string>} */ after) {
  return [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
}

/**
 * Live processes whose environment or arguments contain `tag` (Linux; [] elsewhere). The
 * self-test puts a fresh tag in the environment of each run it starts.
 * @param {string} tag
 */
export function taggedProcesses(tag) {
  const found = [];
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/^\S+ \(.*\) [ZX]/.test(stat)) continue; // dead, waiting to be reaped
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      let environ = '';
      try {
        environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      } catch {
        // Not readable: not ours.
      }
      if (cmdline.includes(tag) || environ.includes(tag)) found.push({ pid: Number(pid), command: cmdline.split('\0').join(' ').trim() });
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** Can this machine run the sandbox (bubblewrap with PID and network namespaces)? */
export function sandboxWorks() {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync('bwrap', ['--die-with-parent', '--unshare-pid', '--unshare-net', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0;
}

/**
 * Fixture folders below `dir`, each a valid `--exercises DIR`, with the expectations written in
 * their file's header comments (`// expect-fail: …`, `// expect-message: …`, any `// key: value`).
 * @param {string} dir
 * @param {string} lessonId
 */
export function fixtures(dir, lessonId) {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const file = path.join(dir, name, `${lessonId}.ts`);
      const text = readFileSync(file, 'utf8');
      const header = (/** @type {string} */ key) => [...text.matchAll(new RegExp(`^// ${key}: (.+)$`, 'gm'))].map((m) => m[1].trim());
      return { name, dir: path.join(dir, name), file, header, expectFail: header('expect-fail'), expectMessage: header('expect-message'), expectLocation: header('expect-location') };
    });
}
