// The test worker, started before vitest is even imported. Booting a thread and loading vitest's
// worker runtime takes ~0.3 s; importing vitest in the main thread takes as long. Started at
// once, the worker boots on the other core meanwhile, and vitest gets it when it asks for a
// worker (vitest-child.js hands over a spare made with exactly the arguments vitest asks for).
//
// The arguments are those vitest 4's threads pool passes to `new Worker` (resolveOptions and the
// ThreadsPoolWorker in vitest/dist/chunks/cli-api*.js) for our options (vitest-options.js). If a
// vitest upgrade changes them, the early worker is not used, ended at once, and vitest starts its
// own as usual: slower, never wrong. The self-test notices (warm-runner.test.js, "early worker").
import path from 'node:path';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';

/**
 * What vitest will pass to `new Worker(...)` for a hidden test file in this process.
 * @returns {[string, import('node:worker_threads').WorkerOptions]}
 */
export function predictedWorkerArgs() {
  const dist = path.dirname(fileURLToPath(import.meta.resolve('vitest')));
  const env = {
    ...process.env,
    // vite's own for mode 'test' (it sets NODE_ENV in process.env while vitest starts)...
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    PROD: '',
    DEV: '1',
    BASE_URL: '/',
    MODE: 'test',
    // ...and vitest's.
    TEST: 'true',
    VITEST: 'true',
    VITEST_MODE: 'RUN',
    FORCE_TTY: isatty(1) ? 'true' : '',
  };
  const execArgv = [
    ...process.execArgv.filter((a) => a.startsWith('--cpu-prof') || a.startsWith('--heap-prof') || a.startsWith('--diagnostic-dir')),
    '--experimental-import-meta-resolve',
    '--require',
    path.join(dist, '..', 'suppress-warnings.cjs'),
    '--conditions',
    'node',
    '--conditions',
    'development',
  ];
  return [path.join(dist, 'workers', 'threads.js'), { env, execArgv, stdout: true, stderr: true }];
}
