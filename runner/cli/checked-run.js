// A run of the checks that can be trusted, or says why not: the hidden tests and the runner are
// compared with their hash manifest before the run (a mismatch means no pass may be recorded or
// reported), and the project is compared with a snapshot after it (without the sandbox, learner
// code could have changed netlings' files, deleted the learner's, or forged progress).
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { RESTORE, checkIntegrity, currentHashes, describeTampering } from '../core/integrity.js';
import { watchProject } from '../core/project-watch.js';
import { GUARDS } from '../engine/launch.js';
import { runChecks } from '../engine/run-checks.js';
import { warmRun } from '../engine/warm-client.js';
import { FAIL, dim } from '../report/style.js';

/** @typedef {import('../engine/run-checks.js').RunResult} RunResult */

/**
 * @typedef {object} Distrust
 * @property {'tampered' | 'changed'} kind
 * @property {string} text      the paragraph for the learner, ready to print
 * @property {string} message   one sentence, for reports
 */

/**
 * @param {import('../engine/run-checks.js').RunOptions} options
 * @returns {Promise<{ run: RunResult, distrust: Distrust | undefined }>}
 */
export async function checkedRun(options) {
  // One pass over netlings' files serves the tamper check, the snapshot and the module cache.
  const hashes = currentHashes();
  const integrity = checkIntegrity(undefined, hashes);
  const changes = watchProject(hashes);
  // While learn runs on the same folder, its warm runner does the run (and its guard applies).
  const exercisesDir = path.resolve(ROOT, options.exercisesDir);
  const run = (await warmRun({ lessons: options.lessons, exercisesDir, stopOnFailure: options.stopOnFailure ?? false })) ?? (await runChecks({ ...options, hashes }));
  // In the sandbox the project is read-only to learner code: a change there is someone else's
  // (an editor, another run), not something to undo.
  const changed = run.guard.kind === 'fallback' ? changes().changed : [];
  if (changed.length) {
    const restore = [...new Set(changed.map((c) => c.split('/')[0]).filter((d) => d !== '.netlings'))].map((d) => (d.includes('.') ? d : `${d}/`));
    const message = `netlings' own files changed while your code ran: ${changed.join(', ')}`;
    return {
      run,
      distrust: {
        kind: 'changed',
        message,
        text: [
          `${FAIL} ${message}.`,
          `  This run does not count.${restore.length ? ` Restore them: git checkout -- ${restore.join(' ')}` : ''}`,
          dim(`  Exercise code must not write to the project. With the sandbox (Linux with bubblewrap) it cannot; here the guard is ${GUARDS.fallback}.`),
        ].join('\n'),
      },
    };
  }
  if (!integrity.ok) {
    const message = `netlings' hidden tests or runner differ from the ones it shipped (${describeTampering(integrity)})`;
    return {
      run,
      distrust: {
        kind: 'tampered',
        message,
        text: [
          `${FAIL} ${message}, so this run does not count: no pass is recorded or reported.`,
          `  Restore them: ${RESTORE}   ${dim('(maintainers who changed them on purpose: npm run hash-tests)')}`,
        ].join('\n'),
      },
    };
  }
  return { run, distrust: undefined };
}

/**
 * The run as a report may show it when it cannot be trusted: every lesson fails with the reason
 * and earns nothing (its checks' own results mean nothing).
 * @param {RunResult} run
 * @param {Distrust} distrust
 * @returns {RunResult}
 */
export function distrusted(run, distrust) {
  const failure = { kind: 'tamper', message: distrust.message, hint: `Restore the files (${RESTORE}) and run again.` };
  return { ...run, lessons: run.lessons.map((l) => ({ id: l.id, state: 'failed', checks: [], errors: [failure] })) };
}

/** The line --verbose prints about what kept learner code in check. */
export function guardLine(/** @type {RunResult} */ run) {
  return dim(`guard: ${GUARDS[run.guard.kind]}${run.guard.why ? `; ${run.guard.why}` : ''}${run.warm ? '; run by the warm test process of npm run learn' : ''}`);
}

/** A path as typed, or relative to the repository when it is inside it. */
export const shownDir = (/** @type {string} */ dir, /** @type {string} */ root) => {
  const rel = path.relative(root, path.resolve(root, dir));
  return rel.startsWith('..') ? dir : rel || '.';
};
