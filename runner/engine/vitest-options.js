// The vitest settings for hidden tests, shared by the engine and by raw `vitest` runs
// (runner/vitest.config.js), so a raw run measures the same work.
import { ROOT } from '../core/course.js';

/** A check that waits longer than this is stuck; harness deadlines (3 s) fire long before. */
export const TEST_TIMEOUT_MS = 15_000;

/** @returns {import('vitest/node').InlineConfig} */
export function hiddenTestOptions() {
  return {
    root: ROOT,
    include: ['runner/hidden-tests/*.test.ts'],
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
    // No coloured diffs or config discovery: the runner formats everything itself.
    cache: false,
    // Keeps vite's transforms of unchanged files between runs (keyed by content): ~120 ms per verify.
    experimental: { fsModuleCache: true },
    env: { FORCE_COLOR: '0' },
  };
}
