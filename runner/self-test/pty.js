// Drives the real CLI in a pseudo-terminal, as a learner's terminal would: util-linux `script`
// gives it a TTY of a chosen size, keys go in through its stdin, and tests wait for what the
// screen shows (event-driven, each wait with a deadline; never a sleep).
import { spawn } from 'node:child_process';
import { ROOT } from '../core/course.js';
import { stripAnsi } from '../learn/text.js';
import { CLI } from './helpers.js';

const quote = (/** @type {string} */ s) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * @param {string[]} args  CLI arguments, e.g. ['learn', '--exercises', dir]
 * @param {{ env?: Record<string, string>, cols?: number, rows?: number, npm?: boolean }} [options]
 *   npm: start it as a learner does, `npm run <command> -- <args>`
 */
export function startInPty(args, { env = {}, cols = 100, rows = 40, npm = false } = {}) {
  const argv = npm ? ['npm', 'run', '--silent', args[0], '--', ...args.slice(1)] : [process.execPath, CLI, ...args];
  const command = `stty cols ${cols} rows ${rows}; exec ${argv.map(quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1', FORCE_COLOR: '0', CI: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  /** @type {number | null | undefined} */
  let exitCode;
  /** @type {Set<() => void>} */
  const waiters = new Set();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout.on('data', (d) => {
    output += d;
    poke();
  });
  child.stderr.on('data', (d) => {
    output += d;
    poke();
  });
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => {
    child.on('error', (err) => {
      output += `\ncould not start util-linux "script", which gives the CLI a pseudo-terminal: ${err.message}`;
      exitCode = null;
      resolve(null);
      poke();
    });
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
      poke();
    });
  });

  /** What is on screen now: everything since the last clear, without escapes. */
  const screen = () => {
    const at = output.lastIndexOf('\u001b[2J');
    return stripAnsi(at < 0 ? output : output.slice(at)).replace(/\r/g, '');
  };

  return {
    /** the pid of `script`, whose descendants are the CLI and everything it started */
    pid: child.pid,
    screen,
    exited,
    /** @param {string} keys */
    send(keys) {
      child.stdin.write(keys);
    },
    /**
     * Resolves with the screen once it matches; rejects, showing the screen, at the deadline
     * or when the process ends first.
     * @param {RegExp} pattern
     * @param {string} what  for the failure message: what we were waiting for
     * @param {number} [timeoutMs]
     * @returns {Promise<string>}
     */
    waitFor(pattern, what, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const now = screen();
          if (pattern.test(now)) {
            done();
            resolve(now);
          } else if (exitCode !== undefined) {
            done();
            reject(new Error(`the process ended (exit code ${exitCode}) before showing ${what}; the screen:\n${now}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`waited ${timeoutMs / 1000} s for ${what}; the screen:\n${screen()}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    kill() {
      if (exitCode === undefined) child.kill('SIGKILL');
    },
  };
}
