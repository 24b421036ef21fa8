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
  port: { type: 'string', placeholder: 'N', description: 'with try: the port to listen on (default: one the system picks)' },
  manual: { type: 'boolean', description: 'with learn: check when you press r, not on every save (for file systems where watching fails)' },
  force: { type: 'boolean', description: 'with solution: show the reference solution before the lesson passes' },
  verbose: { type: 'boolean', short: 'v', description: 'also print raw stack traces and the test process output' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export class UsageError extends Error {}

/**
 * @param {string[]} argv
 * @returns {{ command: string | undefined, positionals: string[], flags: { exercises?: string, all?: boolean, reporter?: string, output?: string, jobs?: string, port?: string, manual?: boolean, force?: boolean, verbose?: boolean, help?: boolean } }}
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
    throw new UsageError(/** @type {Error} */ (err).message);
  }
}

export function flagHelp() {
  return Object.entries(FLAGS)
    .map(([name, spec]) => {
      const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.placeholder ? ` ${spec.placeholder}` : ''}`;
      return `  ${left.padEnd(22)} ${spec.description}`;
    })
    .join('\n');
}
