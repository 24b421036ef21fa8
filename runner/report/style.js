// Terminal colours, only when a person is watching: a TTY without NO_COLOR that is not a dumb
// terminal, or FORCE_COLOR.
import { stdout } from 'node:process';

const force = process.env.FORCE_COLOR;
export const useColor = force !== undefined ? force !== '0' && force !== 'false' : Boolean(stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

/** @param {number} open @param {number} close */
const paint = (open, close) => (/** @type {string} */ text) => (useColor ? `\u001b[${open}m${text}\u001b[${close}m` : text);

export const bold = paint(1, 22);
export const dim = paint(2, 22);
export const red = paint(31, 39);
export const green = paint(32, 39);
export const yellow = paint(33, 39);
export const cyan = paint(36, 39);

export const PASS = green('✓');
export const FAIL = red('✗');
export const SKIP = dim('·');
