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

/**
 * Environment for the test process, by its mode, on top of testEnv(). The warm process of `learn`
 * (mode 'serve') stays running, so what its allocators hold counts (learn-bench, peak PSS of its
 * tree, 11 saves, 3 rounds each: 265–273 MB before, 217–236 MB with both):
 * - rolldown (vite's native transformer) allocates with mimalloc, which by default commits a
 *   whole arena up front: ~15 MB resident for the few transforms a run asks for. Committed on
 *   demand instead, the test process is ~15–20 MB smaller.
 * - glibc gives each thread that allocates its own malloc arena and keeps what an ended worker
 *   freed in it; two arenas shared by all threads save ~10 MB.
 * No measured cost to a run (save → verdict unchanged). Other C libraries ignore both.
 * @param {string | undefined} mode
 * @returns {Record<string, string>}
 */
export const childEnv = (mode) => (mode === 'serve' ? { MALLOC_ARENA_MAX: '2', MIMALLOC_ARENA_EAGER_COMMIT: '0' } : {});

/** @param {Record<string, string>} extra */
export function testEnv(extra) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_\w+|TZ|TERM|CI|TMPDIR|TEMP|TMP|SystemRoot|NETLINGS_\w+)$/.test(k)) env[k] = v;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}
