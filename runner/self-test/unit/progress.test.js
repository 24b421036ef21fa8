import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { loadProgress, readProgress, recordResults, writeFileAtomic } from '../../core/progress.js';

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

test('"done" as a list of ids is read, and a pass is recorded in it', () => {
  const file = path.join(tmp(), 'progress.json');
  writeFileSync(file, '{"format":1,"done":[]}');
  expect(recordResults({ '01-a': true }, file).warnings).toEqual([]);
  expect(Object.keys(readProgress(file).done)).toEqual(['01-a']);
  writeFileSync(file, '{"format":1,"done":["01-a","77-elsewhere"]}');
  expect(Object.keys(readProgress(file).done).sort()).toEqual(['01-a', '77-elsewhere']);
});

test('a byte-order mark does not lose progress', () => {
  const file = path.join(tmp(), 'progress.json');
  writeFileSync(file, '\uFEFF{"format":1,"done":{"88-unknown":"2026-01-01T00:00:00.000Z"}}');
  const { warnings } = recordResults({ '01-a': true }, file);
  expect(warnings).toEqual([]);
  expect(Object.keys(readProgress(file).done).sort()).toEqual(['01-a', '88-unknown']);
});

test.each([
  ['a newer format', '{"format":2,"done":{"88-unknown":"2026-01-01T00:00:00.000Z"},"streak":3}', /newer netlings \(format 2\)/, ['01-a', '88-unknown']],
  ['not JSON', '{"format": 1, "do', /not valid JSON/, ['01-a']],
  ['another shape', '[1, 2, 3]', /does not hold progress/, ['01-a']],
])('a file in %s is kept as a named backup, with a warning, and ids that could be read survive', (_what, content, problem, ids) => {
  const dir = tmp();
  const file = path.join(dir, 'progress.json');
  writeFileSync(file, content);
  const { warnings } = recordResults({ '01-a': true }, file);
  expect(warnings.join('\n')).toMatch(problem);
  expect(warnings.join('\n')).toMatch(/kept it as .*progress\.backup-.*\.json/);
  const backup = readdirSync(dir).find((n) => n.startsWith('progress.backup-'));
  expect(backup && readFileSync(path.join(dir, backup), 'utf8')).toBe(content);
  expect(Object.keys(readProgress(file).done).sort()).toEqual(ids);
});

test('progress.json as a folder, or .netlings as a file, is a message, never a throw', () => {
  const dir = tmp();
  mkdirSync(path.join(dir, 'progress.json'));
  const asFolder = recordResults({ '01-a': true }, path.join(dir, 'progress.json'));
  expect(asFolder.warnings.join('\n')).toMatch(/progress\.json is a folder, not a file\. Move it away/);
  writeFileSync(path.join(dir, 'state'), 'not a folder');
  const asFile = recordResults({ '01-a': true }, path.join(dir, 'state', 'progress.json'));
  expect(asFile.warnings.join('\n')).toMatch(/state is a file, not a folder\. Move it away/);
  expect(loadProgress(path.join(dir, 'state', 'progress.json')).problem).toMatch(/is a file/);
});

test('a temporary file left by a write that was killed is removed by the next write', () => {
  const dir = tmp();
  const file = path.join(dir, 'progress.json');
  writeFileSync(`${file}.999999999.tmp`, '{"format":1');
  recordResults({ '01-a': true }, file);
  expect(readdirSync(dir)).toEqual(['progress.json']);
});
