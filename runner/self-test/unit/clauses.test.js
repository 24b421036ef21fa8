import { expect, test } from 'vitest';
import { parseClauses, tagsOf, withoutTags } from '../../core/clauses.js';

test('reads numbered clauses from a JSDoc comment, not other numbers', () => {
  const source = `/**
 * Task 1 — a server.
 * 1.1 As soon as a client connects, send \`HELLO\\n\`.
 *     (continued on the next line)
 * 1.2 Reply to each line.
 * Version 2.0 of nothing; 3.5 MB is not a clause either.
 */`;
  expect(parseClauses(source)).toEqual([
    { id: '1.1', text: 'As soon as a client connects, send `HELLO\\n`.' },
    { id: '1.2', text: 'Reply to each line.' },
  ]);
});

test('reads the clause tags at the end of a check name', () => {
  expect(tagsOf('answers QUIT with BYE [1.3]')).toEqual(['1.3']);
  expect(tagsOf('ends cleanly [1.3, 1.4]')).toEqual(['1.3', '1.4']);
  expect(tagsOf('has no tag')).toEqual([]);
  expect(tagsOf('a [1.2] in the middle is not a tag')).toEqual([]);
  expect(withoutTags('ends cleanly [1.3, 1.4]')).toBe('ends cleanly');
});
