// enquirer prompts, each behind the same guard: enquirer has no TTY detection of its own, and
// a prompt drawn on a pipe waits forever. Without a terminal every prompt answers "no answer".
import { createRequire } from 'node:module';
import { useColor } from '../report/style.js';
import { interactive } from './terminal.js';

/** enquirer, with its colours (ansi-colors, which ignores NO_COLOR) switched as ours are. */
async function loadEnquirer() {
  const { default: Enquirer } = await import('enquirer');
  const require = createRequire(createRequire(import.meta.url).resolve('enquirer'));
  require('ansi-colors').enabled = useColor;
  return /** @type {any} */ (Enquirer);
}

/**
 * @param {{ message: string, choices: { name: string, message: string }[], initial?: number }} options
 * @returns {Promise<string | undefined>} the chosen name; undefined when cancelled (Esc, Ctrl+C)
 */
export async function choose({ message, choices, initial }) {
  if (!interactive()) return undefined;
  const Enquirer = await loadEnquirer();
  const prompt = new Enquirer.Select({ message, choices, initial, footer: '↑/↓ to move · Enter to open · Esc to go back' });
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
  const Enquirer = await loadEnquirer();
  const prompt = new Enquirer.Confirm({ message, initial: false });
  try {
    return Boolean(await prompt.run());
  } catch {
    return false;
  }
}
