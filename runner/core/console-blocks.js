// The commands of an explainer's "Try it" part: ```console fences in which `$ ` lines are shell
// commands and the lines after each are its expected output (a line `...` matches any lines).
// `npm run try` prints them with the placeholders filled in; the self-test runs them.
import { execFileSync } from 'node:child_process';

/**
 * @typedef {object} ConsoleCommand
 * @property {string} command   as written, with placeholders such as PORT
 * @property {string[]} expected
 * @property {number} line      1-based line of the command in the markdown
 */

/**
 * @param {string} markdown
 * @returns {ConsoleCommand[]}
 */
export function consoleCommands(markdown) {
  /** @type {ConsoleCommand[]} */
  const commands = [];
  const lines = markdown.split('\n');
  let inside = false;
  let fence = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = line.match(/^(`{3,}|~{3,})\s*(\S*)/);
    if (!inside && open) {
      inside = true;
      fence = open[1];
      if (open[2] !== 'console') {
        // Not ours: skip to the closing fence.
        while (++i < lines.length && !lines[i].startsWith(fence));
        inside = false;
      }
      continue;
    }
    if (inside && line.startsWith(fence)) {
      inside = false;
      continue;
    }
    if (!inside) continue;
    if (line.startsWith('$ ')) commands.push({ command: line.slice(2), expected: [], line: i + 1 });
    else commands.at(-1)?.expected.push(line.replace(/\s+$/, ''));
  }
  for (const c of commands) while (c.expected.length && c.expected[c.expected.length - 1] === '') c.expected.pop();
  return commands;
}

/**
 * Replaces placeholder words (PORT, CERTS, …) with their values.
 * @param {string} text
 * @param {Record<string, string>} values
 */
export function fill(text, values) {
  return text.replace(/\b[A-Z][A-Z_]+\b/g, (word) => values[word] ?? word);
}

/**
 * Does `actual` match the expected lines? `...` alone on a line matches any number of lines.
 * @param {string[]} expected
 * @param {string} actual
 */
export function outputMatches(expected, actual) {
  const got = actual.replace(/\s+$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));
  if (got.length === 1 && got[0] === '') got.pop();
  /** @type {(e: number, g: number) => boolean} */
  const match = (e, g) => {
    if (e === expected.length) return g === got.length;
    if (expected[e] === '...') {
      for (let k = g; k <= got.length; k++) if (match(e + 1, k)) return true;
      return false;
    }
    return g < got.length && got[g] === expected[e] && match(e + 1, g + 1);
  };
  return match(0, 0);
}

/** The real tools explainers use, and where a learner gets each. */
export const TOOLS = {
  nc: 'Debian/Ubuntu: sudo apt-get install netcat-openbsd · macOS: already installed',
  socat: 'Debian/Ubuntu: sudo apt-get install socat · macOS: brew install socat',
  dig: 'Debian/Ubuntu: sudo apt-get install bind9-dnsutils · macOS: already installed',
  openssl: 'Debian/Ubuntu: sudo apt-get install openssl · macOS: brew install openssl@3',
  curl: 'Debian/Ubuntu: sudo apt-get install curl · macOS: already installed',
};

/**
 * The tools a command line uses.
 * @param {string} command
 * @returns {(keyof typeof TOOLS)[]}
 */
export function toolsOf(command) {
  return /** @type {(keyof typeof TOOLS)[]} */ (Object.keys(TOOLS).filter((tool) => new RegExp(`(^|[|;&(]\\s*|\\s)${tool}\\s`).test(`${command} `)));
}

/**
 * Is a command on the PATH?
 * @param {string} tool
 */
export function isInstalled(tool) {
  try {
    execFileSync('sh', ['-c', `command -v '${tool.replace(/'/g, '')}'`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
