import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { readProgress, recordResults, writeFileAtomic } from '../../core/progress.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'netlings-progress-'));

test('a missing or corrupt progress file reads as no progress', () => {
  const dir = tmp();
  expect(readProgress(path.join(dir, 'none.json'))).toEqual({ format: 1, done: {} });
  writeFileSync(path.join(dir, 'bad.json'), '{"format": 1, "do');
  expect(readProgress(path.join(dir, 'bad.json'))).toEqual({ format: 1, done: {} });
});

test('recordResults marks passes, unmarks failures and keeps unknown lessons', () => {
  const file = path.join(tmp(), 'state', 'progress.json');
  recordResults({ '01-a': true, '02-b': true, '99-other-branch': true }, file);
  recordResults({ '02-b': false }, file);
  const { done } = readProgress(file);
  expect(Object.keys(done).sort()).toEqual(['01-a', '99-other-branch']);
  expect(new Date(done['01-a']).getTime()).not.toBeNaN();
});

test('writeFileAtomic replaces the file whole and leaves no temporary file behind', () => {
  const dir = tmp();
  const file = path.join(dir, 'p.json');
  writeFileAtomic(file, 'old');
  writeFileAtomic(file, 'new');
  expect(readFileSync(file, 'utf8')).toBe('new');
  expect(readdirSync(dir)).toEqual(['p.json']);
});
