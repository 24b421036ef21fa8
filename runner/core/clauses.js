// Contract clauses: the numbered sentences in a stub's JSDoc (` * 1.3 A line that is exactly…`)
// and the tags that tie each hidden check to them (`answers QUIT with BYE [1.3]`). The course
// check uses both to prove every clause is checked; the report points a learner back to one.

const CLAUSE = /^\s*\*\s+(\d+\.\d+)\s+(.*)$/gm;
const TAG = /\s*\[(\d+\.\d+(?:\s*,\s*\d+\.\d+)*)\]\s*$/;

/**
 * The clauses of a stub, in order, with their first line of text.
 * @param {string} source  the stub's TypeScript
 * @returns {{ id: string, text: string }[]}
 */
export function parseClauses(source) {
  return [...source.matchAll(CLAUSE)].map((m) => ({ id: m[1], text: m[2].trim() }));
}

/**
 * The clause ids a check names at the end of its name: `… [1.2, 1.3]` → ['1.2', '1.3'].
 * @param {string} checkName
 */
export function tagsOf(checkName) {
  const m = checkName.match(TAG);
  return m ? m[1].split(',').map((s) => s.trim()) : [];
}

/**
 * A check's name without its clause tags, as a sentence.
 * @param {string} checkName
 */
export function withoutTags(checkName) {
  return checkName.replace(TAG, '');
}
