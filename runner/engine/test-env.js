// What the test process is started with, whatever the guard: the script, and an environment
// with only what it needs (no tokens or secrets for learner code to read).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CHILD = path.join(HERE, 'vitest-child.js');
export const SUPERVISOR = path.join(HERE, 'supervisor.js');
/**
 * V8 flags for the test process, by its mode (vitest-child.js). The warm process of `learn`
 * (mode 'serve') stays running beside the learner's editor: a young generation of 1 MB per
 * semi-space (the default grows to 16) keeps it ~90 MB smaller (learn-bench: 128 vs 222 MB PSS):
 * vite and vitest live in its main thread, and each run adds a worker. A run that ends within
 * seconds keeps V8's default: with 1 MB, importing vitest and checks that move megabytes spend
 * ~0.1–0.2 s more in the scavenger.
 * @param {string | undefined} mode
 * @returns {string[]}
 */
export function childFlags(mode) {
  // NETLINGS_CPU_PROF=<folder>: CPU profiles of the test process and its workers, for finding
  // where a run's time goes (with NETLINGS_GUARD=fallback: the sandbox's /tmp is its own).
  const profile = process.env.NETLINGS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.NETLINGS_CPU_PROF}`] : [];
  return [...profile, ...(mode === 'serve' ? ['--max-semi-space-size=1'] : [])];
}

/** @param {Record<string, string>} extra */
export function testEnv(extra) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_\w+|TZ|TERM|CI|TMPDIR|TEMP|TMP|SystemRoot|NETLINGS_\w+)$/.test(k)) env[k] = v;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}
