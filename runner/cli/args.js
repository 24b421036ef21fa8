// Command-line flags, declared as data: the parser and the help text both read this table.
import { parseArgs } from 'node:util';

/**
 * @typedef {object} FlagSpec
 * @property {'string' | 'boolean'} type
 * @property {string} description
 * @property {string} [short]
 * @property {string} [placeholder]  For the help text, e.g. DIR.
 */

/** @type {Record<string, FlagSpec>} */
export const FLAGS = {
  exercises: { type: 'string', placeholder: 'DIR', description: 'check the learner files in DIR instead of exercises/ (e.g. solutions, a student submission)' },
  all: { type: 'boolean', description: 'with verify: check every lesson without stopping at the first failure, and print points' },
  reporter: { type: 'string', placeholder: 'FMT', description: 'with verify: also write the result as json or junit (to stdout, or to --output)' },
  output: { type: 'string', placeholder: 'PATH', description: 'with --reporter: the report file (default stdout); with grade: the folder for grades.csv/html (default grades/)' },
  jobs: { type: 'string', placeholder: 'N', description: 'with grade: how many submissions to grade at once (default: the number of cores)' },
  lessons: { type: 'string', placeholder: 'LIST', description: 'with grade: grade only these lessons, e.g. 01,02 (default: every lesson)' },
  port: { type: 'string', placeholder: 'N', description: 'with try: the port to listen on (default: one the system picks)' },
  manual: { type: 'boolean', description: 'with learn: check when you press r, not on every save (for file systems where watching fails)' },
  force: { type: 'boolean', description: 'with solution: show the reference solution before the lesson passes' },
  timeline: { type: 'boolean', description: 'with verify: draw what happened on the wire for passing checks too (failing ones always get it)' },
  'no-timeline': { type: 'boolean', description: 'with verify: do not record or draw what happened on the wire' },
  verbose: { type: 'boolean', short: 'v', description: 'also print raw stack traces and the test process output' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export class UsageError extends Error {}

/**
 * @param {string[]} argv
 * @returns {{ command: string | undefined, positionals: string[], flags: { exercises?: string, all?: boolean, reporter?: string, output?: string, jobs?: string, lessons?: string, port?: string, manual?: boolean, force?: boolean, verbose?: boolean, help?: boolean, timeline?: boolean, 'no-timeline'?: boolean } }}
 */
export function parseCli(argv) {
  /** @type {import('node:util').ParseArgsConfig['options']} */
  const options = {};
  for (const [name, spec] of Object.entries(FLAGS)) options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    const [command, ...rest] = positionals;
    return { command, positionals: rest, flags: /** @type {any} */ (values) };
  } catch (err) {
    throw new UsageError(usageMessage(/** @type {NodeJS.ErrnoException} */ (err)));
  }
}

/** The flag closest to a mistyped one, if any is close: --report → --reporter. */
function closest(/** @type {string} */ typed) {
  const name = typed.replace(/^-+/, '').replace(/=.*$/, '');
  /** @param {string} a @param {string} b */
  const distance = (a, b) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = row[j];
        row[j] = next;
      }
    }
    return row[b.length];
  };
  const best = Object.keys(FLAGS)
    .map((flag) => ({ flag, d: flag.startsWith(name) || name.startsWith(flag) ? 1 : distance(name, flag) }))
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 ? `--${best.flag}` : undefined;
}

/**
 * node's parseArgs errors, said for a person: which flag, what is wrong, what would be right.
 * @param {NodeJS.ErrnoException} err
 */
function usageMessage(err) {
  const flag = err.message.match(/'(-{1,2}[^' ,<]+)/)?.[1] ?? '';
  const long = err.message.match(/'(?:-\w, )?(--[\w-]+)/)?.[1] ?? flag;
  const spec = FLAGS[long.replace(/^--/, '')];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const guess = closest(flag);
    return `there is no flag ${flag}${guess ? ` (did you mean ${guess}?)` : ''}. The flags are:\n${flagHelp()}`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec?.type === 'boolean') return `${long} takes no value: write just ${long}`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec) return `${long} needs a value: ${long} ${spec.placeholder ?? 'VALUE'}`;
  return err.message.split('\n')[0];
}

export function flagHelp() {
  return Object.entries(FLAGS)
    .map(([name, spec]) => {
      const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.placeholder ? ` ${spec.placeholder}` : ''}`;
      return `  ${left.padEnd(22)} ${spec.description}`;
    })
    .join('\n');
}
