// The vitest settings for hidden tests, shared by the engine and by raw `vitest` runs
// (runner/vitest.config.js), so a raw run measures the same work.
import path from 'node:path';
import { ROOT } from '../core/course.js';

/** A check that waits longer than this is stuck; harness deadlines (3 s) fire long before. */
export const TEST_TIMEOUT_MS = 15_000;

/** Runs in the test worker before each hidden test file: output capture, results, guards. */
export const WORKER_SETUP = path.join(ROOT, 'runner', 'engine', 'worker-setup.js');

/** netlings' own modules: the only ones whose transforms are kept between runs (module-cache.js). */
export const CACHED_MODULES = ['hidden-tests', 'harness', 'engine'].map((d) => path.join(ROOT, 'runner', d) + path.sep);

/**
 * @param {{ moduleCacheDir?: string | null }} [options]  moduleCacheDir: where vitest keeps module
 *   transforms; null turns the cache off; undefined keeps vitest's default folder (raw runs).
 * @returns {import('vitest/node').InlineConfig}
 */
export function hiddenTestOptions({ moduleCacheDir } = {}) {
  return {
    root: ROOT,
    include: ['runner/hidden-tests/*.test.ts'],
    setupFiles: [WORKER_SETUP],
    // threads, not forks: a learner's synchronous infinite loop blocks only its worker thread,
    // so the main thread keeps forwarding heartbeats and the parent can tell a hang apart.
    pool: 'threads',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: true,
    watch: false,
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: 10_000,
    teardownTimeout: 2_000,
    // worker-setup.js captures learner output itself, capped; vitest's copy would not be.
    disableConsoleIntercept: true,
    // No coloured diffs or config discovery: the runner formats everything itself.
    cache: false,
    // Keeps vite's transforms of unchanged files between runs (keyed by content): ~250 ms per verify.
    experimental:
      moduleCacheDir === null ? { fsModuleCache: false } : { fsModuleCache: true, ...(moduleCacheDir ? { fsModuleCachePath: moduleCacheDir } : {}) },
    env: { FORCE_COLOR: '0' },
  };
}

/**
 * A vite plugin: only netlings' own modules go into the module cache. A learner's file changes
 * at every edit anyway, and nothing learner code can influence may end up in a cache that later
 * runs trust (see module-cache.js).
 * @returns {any}
 */
export function moduleCachePlugin() {
  return {
    name: 'netlings:module-cache',
    /** @param {{ experimental_defineCacheKeyGenerator: (fn: (ctx: { id: string }) => string | false) => void }} context */
    configureVitest({ experimental_defineCacheKeyGenerator }) {
      experimental_defineCacheKeyGenerator(({ id }) => (CACHED_MODULES.some((dir) => id.startsWith(dir)) ? '' : false));
    },
  };
}
