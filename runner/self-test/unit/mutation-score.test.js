import { expect, test } from 'vitest';
import { entryFor, originalCode, scoreLesson } from '../../mutation/score.js';

const source = "const a = 'utf8';\nif (quit) return;\n";
const at = (/** @type {number} */ line, /** @type {number} */ from, /** @type {number} */ to) => ({ start: { line, column: from }, end: { line, column: to } });
const mutant = (/** @type {string} */ status, /** @type {string} */ mutatorName, /** @type {any} */ location, /** @type {string} */ replacement) => ({ fileName: 'solutions/x.ts', status, mutatorName, location, replacement });

test('finds the code a mutant replaces (1-based columns, end exclusive)', () => {
  expect(originalCode(source, at(1, 11, 17))).toBe("'utf8'");
  expect(originalCode(source, at(2, 5, 9))).toBe('quit');
});

test('scores detected / (detected + undetected), leaving listed equivalents out', () => {
  const mutants = [
    mutant('Killed', 'ConditionalExpression', at(2, 5, 9), 'true'),
    mutant('Timeout', 'BlockStatement', at(2, 1, 18), '{}'),
    mutant('Survived', 'StringLiteral', at(1, 11, 17), '""'),
    mutant('Survived', 'ConditionalExpression', at(2, 5, 9), 'false'),
    mutant('CompileError', 'StringLiteral', at(1, 11, 17), '"x"'),
  ];
  const equivalents = [{ lesson: 'l', mutator: 'StringLiteral', original: "'utf8'", replacement: '""', reason: 'setEncoding("") means utf8' }];
  const s = scoreLesson('l', mutants, source, equivalents);
  expect(s.counts).toEqual({ killed: 1, timeout: 1, survived: 1, noCoverage: 0, equivalent: 1, invalid: 1 });
  expect(s.score).toBeCloseTo(66.7, 1);
  expect(s.ok).toBe(false);
  expect(s.undetected.map((m) => m.original)).toEqual(['quit']);
  expect(entryFor('l', s.undetected[0])).toMatchObject({ lesson: 'l', mutator: 'ConditionalExpression', original: 'quit', replacement: 'false' });
});

test('an equivalent that a check kills, or one that matches nothing, is reported but does not fail', () => {
  const mutants = [mutant('Killed', 'StringLiteral', at(1, 11, 17), '""')];
  const equivalents = [
    { lesson: 'l', mutator: 'StringLiteral', original: "'utf8'", replacement: '""', reason: 'r' },
    { lesson: 'l', mutator: 'BooleanLiteral', original: 'true', replacement: 'false', reason: 'r' },
  ];
  const s = scoreLesson('l', mutants, source, equivalents);
  expect(s.killedEquivalents).toHaveLength(1);
  expect(s.stale).toHaveLength(1);
  expect(s.ok).toBe(true);
});
