// Shared by the self-test files: running the real CLI and reading fixture expectations.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';

export const CLI = path.join(ROOT, 'runner', 'bin', 'netlings.js');
export const FIXTURES = path.join(ROOT, 'runner', 'self-test', 'fixtures');

/**
 * Runs the netlings CLI as a learner would and returns its exit code, output and duration.
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
export function runCli(args, env = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve(/** @type {{ code: number, out: string, ms: number }} */ ({ code, out, ms: Date.now() - started })));
  });
}

/**
 * Fixture folders below `dir`, each a valid `--exercises DIR`, with the expectations written in
 * their file's header comments (`// expect-fail: …`, `// expect-message: …`).
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
      return { name, dir: path.join(dir, name), file, expectFail: header('expect-fail'), expectMessage: header('expect-message'), expectLocation: header('expect-location') };
    });
}
