// enquirer prompts, each behind the same guard: enquirer has no TTY detection of its own, and
// a prompt drawn on a pipe waits forever. Without a terminal every prompt answers "no answer".
import { interactive } from './terminal.js';

/**
 * @param {{ message: string, choices: { name: string, message: string }[], initial?: number }} options
 * @returns {Promise<string | undefined>} the chosen name; undefined when cancelled (Esc, Ctrl+C)
 */
export async function choose({ message, choices, initial }) {
  if (!interactive()) return undefined;
  const { default: Enquirer } = await import('enquirer');
  const prompt = new /** @type {any} */ (Enquirer).Select({ message, choices, initial, footer: '↑/↓ to move · Enter to open · Esc to go back' });
  try {
    return await prompt.run();
  } catch {
    return undefined; // cancelled
  }
}

/**
 * @param {string} message
 * @returns {Promise<boolean>} false when declined or cancelled
 */
export async function confirm(message) {
  if (!interactive()) return false;
  const { default: Enquirer } = await import('enquirer');
  const prompt = new /** @type {any} */ (Enquirer).Confirm({ message, initial: false });
  try {
    return Boolean(await prompt.run());
  } catch {
    return false;
  }
}
