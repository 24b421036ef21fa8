// Long text (an explainer, a side-by-side comparison) goes through a pager, opened at the top,
// as git does: the learner's $PAGER, else `less -R`. PAGER set to "" or "cat" means no pager.
// When no pager can run, the text is printed and the caller waits for a key.
import { spawn } from 'node:child_process';

/**
 * The pager to use; undefined for none. A dumb terminal (an editor's shell buffer) gets none
 * unless PAGER names one: less would only complain that the terminal is not fully functional.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined}
 */
export function pagerCommand(env = process.env) {
  if (env.PAGER === undefined) return env.TERM === 'dumb' ? undefined : 'less -R';
  const pager = env.PAGER.trim();
  return pager === '' || pager === 'cat' ? undefined : pager;
}

/**
 * Shows `text` in the pager and resolves when the learner leaves it: true if a pager showed
 * it, false if it could not run (nothing was shown).
 * @param {string} text
 * @returns {Promise<boolean>}
 */
export function page(text) {
  const command = pagerCommand();
  if (!command) return Promise.resolve(false);
  // Ctrl+C inside less interrupts less's own work; it reaches this process too (same process
  // group) and must not end it: while the pager runs, a SIGINT listener that does nothing.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      stdio: ['pipe', 'inherit', 'inherit'],
      // R: pass colours through. Only a default: the learner's own LESS wins, as with git.
      env: { ...process.env, LESS: process.env.LESS ?? 'R', LV: process.env.LV ?? '-c' },
    });
    child.stdin?.on('error', () => {
      // EPIPE: the learner quit before reading to the end. That is what pagers are for.
    });
    child.stdin?.end(text);
    const done = (/** @type {boolean} */ shown) => {
      process.off('SIGINT', ignore);
      resolve(shown);
    };
    child.on('error', () => done(false));
    // 127: the shell found no such command.
    child.on('close', (code) => done(code !== 127));
  });
}
