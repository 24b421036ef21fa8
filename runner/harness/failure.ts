// Failures written for a learner: what was expected, what happened, one hint.
// The runner's reporter reads the `netlings` field (it survives vitest's error serialisation).

export type FailureKind =
  | 'assertion' // the code ran, the behaviour was wrong
  | 'timeout' // waited for something that never happened
  | 'todo' // the stub's TODO is still there
  | 'missing-export'
  | 'load' // the file could not be imported (throw at import, missing file)
  | 'threw' // a learner function threw when called
  | 'crash' // an error escaped into an event handler (uncaught)
  | 'leak'; // something was left open

export interface FailureDetails {
  kind: FailureKind;
  /** One sentence: what went wrong. Becomes the error message. */
  message: string;
  expected?: string;
  actual?: string;
  hint?: string;
  /** `exercises/01-tcp-handshake.ts:12:5`, when the learner's code is to blame for a throw. */
  location?: string;
}

export class LessonFailure extends Error {
  readonly netlings: FailureDetails;
  constructor(details: FailureDetails, options?: { cause?: unknown }) {
    super(details.message, options);
    this.name = 'LessonFailure';
    this.netlings = details;
  }
}

export function fail(details: Omit<FailureDetails, 'kind'> & { kind?: FailureKind }): never {
  throw new LessonFailure({ kind: 'assertion', ...details });
}

const MAX_SHOWN = 72;

/**
 * A string as a learner should see it: quoted, `\n` visible, long text shortened with its size.
 * @example show('HELLO\n') === '"HELLO\\n"'
 */
export function show(text: string): string {
  const bytes = Buffer.byteLength(text);
  const quoted = (s: string) => JSON.stringify(s);
  if (text.length <= MAX_SHOWN) return quoted(text);
  const head = text.slice(0, MAX_SHOWN / 2);
  const tail = text.slice(-MAX_SHOWN / 4);
  return `${quoted(head)} … ${quoted(tail)} (${bytes.toLocaleString('en')} bytes)`;
}

/** The first place two texts differ, shown with a little context: for long payloads. */
export function firstDifference(expected: string, actual: string): string | undefined {
  if (expected === actual) return undefined;
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const from = Math.max(0, i - 12);
  const exp = expected.slice(from, i + 12);
  const got = actual.slice(from, i + 12);
  if (i >= actual.length) return `the text stops after ${i.toLocaleString('en')} characters; ${show(expected.slice(i, i + 24))} should follow`;
  if (i >= expected.length) return `${show(actual.slice(i, i + 24))} comes after all the expected text`;
  return `they differ at character ${i.toLocaleString('en')}: expected …${show(exp)}…, got …${show(got)}…`;
}

/** Throws an assertion failure unless `actual === expected`. */
export function expectEqual(actual: string, expected: string, what: string, hint: string): void {
  if (actual === expected) return;
  const where = expected.length > MAX_SHOWN || actual.length > MAX_SHOWN ? firstDifference(expected, actual) : undefined;
  fail({
    message: `${what} was not what the protocol asks for${where ? `: ${where}` : ''}`,
    expected: show(expected),
    actual: show(actual),
    hint,
  });
}
