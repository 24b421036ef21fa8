// Mutation scores per lesson from StrykerJS's results, with the mutants that are listed as
// equivalent (runner/mutation/equivalents.json) left out. Pure functions: easy to test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';

export const EQUIVALENTS_PATH = path.join(ROOT, 'runner', 'mutation', 'equivalents.json');
/** The score every lesson must reach, in percent. */
export const MIN_SCORE = 90;

/**
 * @typedef {object} Equivalent
 * @property {string} lesson       e.g. `01-tcp-handshake`
 * @property {string} mutator      Stryker's mutator name, e.g. `StringLiteral`
 * @property {string} original     the code the mutant replaces
 * @property {string} replacement  what Stryker put there
 * @property {string} reason       why no behaviour changes
 */

/**
 * @typedef {object} Mutant  The parts of a Stryker MutantResult this module reads.
 * @property {string} fileName
 * @property {string} mutatorName
 * @property {string} [replacement]
 * @property {string} status       Killed | Survived | NoCoverage | Timeout | CompileError | RuntimeError | Ignored | Pending
 * @property {{ start: { line: number, column: number }, end: { line: number, column: number } }} location  1-based lines and columns (the end is exclusive)
 */

/** @returns {Equivalent[]} */
export function readEquivalents(file = EQUIVALENTS_PATH) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (data.format !== 1 || !Array.isArray(data.equivalents)) throw new Error(`${path.relative(ROOT, file)}: expected { "format": 1, "equivalents": [...] }`);
  for (const [i, e] of data.equivalents.entries()) {
    for (const key of ['lesson', 'mutator', 'original', 'replacement', 'reason']) {
      if (typeof e[key] !== 'string' || (key === 'reason' && !e[key].trim())) throw new Error(`${path.relative(ROOT, file)}: entry ${i + 1} needs a string "${key}"`);
    }
  }
  return data.equivalents;
}

const squash = (/** @type {string} */ s) => s.replace(/\s+/g, ' ').trim();

/**
 * The source a mutant replaces.
 * @param {string} source  the whole mutated file
 * @param {Mutant['location']} loc
 */
export function originalCode(source, loc) {
  const lines = source.split('\n');
  const from = loc.start.column - 1;
  const to = loc.end.column - 1;
  if (loc.start.line === loc.end.line) return lines[loc.start.line - 1].slice(from, to);
  const first = lines[loc.start.line - 1].slice(from);
  const middle = lines.slice(loc.start.line, loc.end.line - 1);
  const last = lines[loc.end.line - 1].slice(0, to);
  return [first, ...middle, last].join('\n');
}

/**
 * @param {string} lesson
 * @param {Mutant[]} mutants        this lesson's results
 * @param {string} source           the solution's source
 * @param {Equivalent[]} equivalents
 */
export function scoreLesson(lesson, mutants, source, equivalents) {
  const mine = equivalents.filter((e) => e.lesson === lesson);
  /** @type {Set<Equivalent>} */
  const used = new Set();
  const counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, invalid: 0 };
  /** @type {(Mutant & { original: string })[]} */
  const undetected = [];
  /** @type {Equivalent[]} */
  const killedEquivalents = [];
  for (const m of mutants) {
    const original = originalCode(source, m.location);
    const listed = mine.find((e) => e.mutator === m.mutatorName && squash(e.original) === squash(original) && squash(e.replacement) === squash(m.replacement ?? ''));
    if (listed) used.add(listed);
    if (m.status === 'Killed' || m.status === 'Timeout') {
      counts[m.status === 'Killed' ? 'killed' : 'timeout']++;
      if (listed) killedEquivalents.push(listed);
    } else if (m.status === 'Survived' || m.status === 'NoCoverage') {
      if (listed) counts.equivalent++;
      else {
        counts[m.status === 'Survived' ? 'survived' : 'noCoverage']++;
        undetected.push({ ...m, original });
      }
    } else counts.invalid++; // CompileError, RuntimeError, Ignored: not a test's business
  }
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  const stale = mine.filter((e) => !used.has(e));
  // A listed equivalent that a check now kills is a stale entry, not a weaker test: it is
  // reported for clean-up but does not fail the lesson.
  return { lesson, counts, score, undetected, killedEquivalents, stale, ok: score >= MIN_SCORE };
}

/**
 * A ready-to-paste equivalents.json entry for a survivor (the reason is left for a person).
 * @param {string} lesson
 * @param {Mutant & { original: string }} m
 */
export function entryFor(lesson, m) {
  return { lesson, mutator: m.mutatorName, original: squash(m.original), replacement: squash(m.replacement ?? ''), reason: 'WHY no check can tell the difference' };
}
