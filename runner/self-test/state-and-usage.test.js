// The runner survives broken state and mistyped commands: through the real CLI, in throwaway
// copies of the project, every case ends with a sentence that says what to do (exit 2 for a
// usage error), never a stack; and the tamper check stops a pass from being recorded.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from '../core/course.js';
import { MANIFEST, checkIntegrity, describeTampering } from '../core/integrity.js';
import { copyProject, runCli } from './helpers.js';

const ENV = { NETLINGS_MODULE_CACHE: 'off' };
const STACK = /^\s+at .+:\d+:\d+\)?$/m;
/** @type {string[]} */
const copies = [];
/** A copy of the project whose exercises/ hold the reference solutions (so verify passes). */
const solvedProject = () => {
  const dir = copyProject();
  copies.push(dir);
  copyFileSync(path.join(ROOT, 'solutions', '01-tcp-handshake.ts'), path.join(dir, 'exercises', '01-tcp-handshake.ts'));
  return dir;
};
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

test(`${MANIFEST} matches the hidden tests and the runner (after changing them: npm run hash-tests)`, () => {
  const report = checkIntegrity();
  expect(report.ok, describeTampering(report)).toBe(true);
});

describe('usage errors exit 2 with a sentence', () => {
  test.each([
    [['verify', '01', '--report', 'json'], /there is no flag --report \(did you mean --reporter\?\)/],
    [['verify', '01', '--exercises'], /--exercises needs a value: --exercises DIR/],
    [['verify', '01', '--verbose=yes'], /--verbose takes no value/],
    [['verify', '01', '--exercises', '/nonexistent/netlings'], /--exercises \/nonexistent\/netlings: there is no such folder/],
    [['verify', '01', '--exercises', 'package.json'], /is a file: give the folder that holds the lesson files/],
    [['verify', '42-nope'], /no lesson called "42-nope"/],
  ])('%j', async (args, message) => {
    const { code, out } = await runCli(args, ENV);
    expect(code, out).toBe(2);
    expect(out).toMatch(message);
    expect(out).not.toMatch(/git checkout/);
    expect(out).not.toMatch(STACK);
  });
});

describe('progress in a broken state', () => {
  test('progress.json as a folder: the verdict stands, and a sentence says what to move', async () => {
    const project = solvedProject();
    mkdirSync(path.join(project, '.netlings', 'progress.json'), { recursive: true });
    const { code, out } = await runCli(['verify', '01'], ENV, project);
    expect(code, out).toBe(0);
    expect(out).toMatch(/all \d+ checks pass/);
    expect(out).toMatch(/\.netlings\/progress\.json is a folder, not a file\. Move it away/);
    expect(out).not.toMatch(STACK);
  });

  test('.netlings as a file: the same', async () => {
    const project = solvedProject();
    writeFileSync(path.join(project, '.netlings'), 'oops');
    const { code, out } = await runCli(['verify', '01'], ENV, project);
    expect(code, out).toBe(0);
    expect(out).toMatch(/\.netlings is a file, not a folder\. Move it away/);
    expect(out).not.toMatch(STACK);
  });

  test('{"format":1,"done":[]} records the pass', async () => {
    const project = solvedProject();
    mkdirSync(path.join(project, '.netlings'));
    writeFileSync(path.join(project, '.netlings', 'progress.json'), '{"format":1,"done":[]}');
    const { code, out } = await runCli(['verify', '01'], ENV, project);
    expect(code, out).toBe(0);
    expect(JSON.parse(readFileSync(path.join(project, '.netlings', 'progress.json'), 'utf8')).done).toHaveProperty('01-tcp-handshake');
  });

  test('--exercises runs write nothing to the project', async () => {
    const project = copyProject();
    copies.push(project);
    const { code, out } = await runCli(['verify', '01', '--exercises', 'solutions'], ENV, project);
    expect(code, out).toBe(0);
    expect(existsSync(path.join(project, '.netlings'))).toBe(false);
  });
});

describe('the tamper check', () => {
  test('a changed hidden test: the checks run, but no pass is reported or recorded, and the fix is named', async () => {
    const project = solvedProject();
    const test = path.join(project, 'runner', 'hidden-tests', '01-tcp-handshake.test.ts');
    writeFileSync(test, `${readFileSync(test, 'utf8')}\n// harmless-looking edit\n`);
    const { code, out } = await runCli(['verify', '01'], ENV, project);
    expect(code, out).toBe(1);
    expect(out).toMatch(/differ from the ones it shipped \(changed: runner\/hidden-tests\/01-tcp-handshake\.test\.ts\)/);
    expect(out).toMatch(/Restore them: git checkout -- runner\//);
    expect(out).not.toMatch(/all \d+ checks pass/);
    expect(existsSync(path.join(project, '.netlings', 'progress.json'))).toBe(false);
    const check = await runCli(['verify', '--all', '--reporter', 'json', '--exercises', 'exercises'], ENV, project);
    const report = JSON.parse(check.out);
    expect(report.points.earned).toBe(0);
    expect(report.lessons[0].status).toBe('error');
  });
});
