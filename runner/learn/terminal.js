// The terminal learn draws on: whether a person is there, its size, raw key input, and putting
// everything back as it was on the way out (also when the process ends some other way).
import { emitKeypressEvents } from 'node:readline';

/** CI=true, CI=1, CI=anything but empty/0/false: a CI system, where nobody answers prompts. */
export function inCi(env = process.env) {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Whether learn may be interactive. Every prompt is guarded by this: enquirer draws a prompt
 * on a pipe too, and then waits forever for keys that never come.
 */
export function interactive() {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !inCi();
}

export const dumb = () => process.env.TERM === 'dumb';

export function size() {
  return { columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
}

/** Home and clear; on a dumb terminal, which cannot, a rule between screens instead. */
export function clearScreen() {
  return dumb() ? `\n${'-'.repeat(size().columns - 1)}\n` : '\u001b[H\u001b[2J';
}

/** @typedef {(text: string | undefined, key: { name?: string, ctrl?: boolean, meta?: boolean, sequence?: string }) => void} KeyHandler */

/**
 * Raw key presses, to `onKey`, between start() and stop(). Stopped while a pager or a prompt owns
 * the terminal. Raw mode is left on process exit whatever the cause.
 * @param {KeyHandler} onKey
 */
export function keyboard(onKey) {
  const { stdin } = process;
  emitKeypressEvents(stdin);
  let on = false;
  const restore = () => {
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
    if (!dumb()) process.stdout.write('\u001b[?25h'); // show the cursor
  };
  process.once('exit', restore);
  return {
    start() {
      if (on) return;
      on = true;
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.on('keypress', onKey);
      stdin.resume();
    },
    stop() {
      if (!on) return;
      on = false;
      stdin.off('keypress', onKey);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
    },
    restore,
  };
}

/** Resolves at the next key press (after text printed without a pager). */
export function anyKey() {
  return new Promise((resolve) => {
    const once = keyboard(() => {
      once.stop();
      resolve(undefined);
    });
    once.start();
  });
}
