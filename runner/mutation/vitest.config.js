// The vitest settings StrykerJS uses to run hidden tests against mutated reference solutions.
// runner/bin/mutate.js sets NETLINGS_MUTATE_LESSONS (ids, comma-separated) and NETLINGS_EXERCISES.
import { defineConfig } from 'vitest/config';
import { hiddenTestOptions } from '../engine/vitest-options.js';

const lessons = (process.env.NETLINGS_MUTATE_LESSONS ?? '*').split(',');
export default defineConfig({
  // No module cache: Stryker's instrumented copy must be the code that runs.
  test: { ...hiddenTestOptions(), include: lessons.map((id) => `runner/hidden-tests/${id}.test.ts`), experimental: {} },
});
