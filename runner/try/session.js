// Starts a lesson's try adapter on the learner's code in a child process (runner/try/host.ts,
// under tsx) and waits until it listens. Used by `npm run try` and by the self-test that runs
// every explainer command against the reference solution.
import { fork } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../core/course.js';

const HOST = path.join(ROOT, 'runner', 'try', 'host.ts');
/** tsx compiles the learner's file on start; generous for a busy machine. */
const START_MS = 20_000;

/**
 * @typedef {object} Problem  Why the learner's code could not start, in verify's words.
 * @property {string} message
 * @property {string} [hint]
 * @property {string} [location]
 */

/**
 * @typedef {object} TrySession
 * @property {string} what
 * @property {Record<string, string>} placeholders
 * @property {Promise<Problem | undefined>} ended  Settles when the child stops; a crash says why.
 * @property {() => Promise<void>} close
 */

export class TryStartError extends Error {
  /** @param {Problem} problem */
  constructor(problem) {
    super(problem.message);
    this.problem = problem;
  }
}

/**
 * @param {{ lesson: import('../core/course.js').Lesson, exercisesDir: string, port?: number, stdio?: 'inherit' | 'ignore' }} options
 * @returns {Promise<TrySession>}
 */
export function startTry({ lesson, exercisesDir, port = 0, stdio = 'inherit' }) {
  const child = fork(HOST, [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', stdio, stdio, 'ipc'],
    env: {
      ...process.env,
      NETLINGS_TRY_ADAPTER: path.join(ROOT, lesson.tryAdapter),
      NETLINGS_TRY_EXERCISE: path.resolve(ROOT, exercisesDir, `${lesson.id}.ts`),
      NETLINGS_TRY_PORT: String(port),
    },
  });
  /** @type {Problem | undefined} */
  let crash;
  child.on('message', (/** @type {any} */ msg) => {
    if (msg?.type === 'crashed') crash = msg;
  });
  const ended = new Promise((resolve) => child.once('exit', () => resolve(crash)));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await ended;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new TryStartError({ message: `your code did not start listening within ${START_MS / 1000} s` }));
    }, START_MS);
    child.on('message', (/** @type {any} */ msg) => {
      if (msg?.type === 'ready') {
        clearTimeout(timer);
        resolve({ what: msg.what, placeholders: msg.placeholders, ended: /** @type {Promise<Problem | undefined>} */ (ended), close });
      } else if (msg?.type === 'failed') {
        clearTimeout(timer);
        reject(new TryStartError(msg));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new TryStartError(crash ?? { message: `your code stopped before it was ready (${signal ?? `exit code ${code}`})`, hint: 'Exercise code must not stop the process (process.exit).' }));
    });
  });
}
