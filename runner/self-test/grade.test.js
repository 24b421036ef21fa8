// `npm run grade` on a class of fixture submissions, through the real CLI, from a throwaway copy
// of the project (the teacher's checkout): all correct, all stubs, mixed, an infinite loop, a
// syntax error, no lesson files at all, and a hostile one (fixtures/submissions/hostile) that
// attacks the checkout, the other students and the grades, and passes lesson 10 with a
// classmate's code read from the folder of submissions. The grades must be exactly the
// expected CSV, the checkout and every submission byte-identical afterwards, no process of the
// run left alive, all within a bound. Two lessons prove it as well as ten, faster (--lessons).
// Submissions are built here from solutions/ and exercises/ (no copies in the repository).
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../core/course.js';
import { FIXTURES, changedFiles, copyProject, projectFiles, runCli, sandboxWorks, taggedProcesses } from './helpers.js';

const SANDBOX = sandboxWorks();
const LESSONS = ['02-server-events', '10-datagram-size'];
const SUBMISSIONS = path.join(FIXTURES, 'submissions');
const solution = (/** @type {string} */ id) => readFileSync(path.join(ROOT, 'solutions', `${id}.ts`), 'utf8');
const stub = (/** @type {string} */ id) => readFileSync(path.join(ROOT, 'exercises', `${id}.ts`), 'utf8');
const fixture = (/** @type {string} */ name) => readFileSync(path.join(SUBMISSIONS, name, '02-server-events.ts'), 'utf8');

/**
 * Writes the class: student → lesson id → file text. `exercises/` puts the files where a
 * student's whole copy of the project has them.
 * @param {string} dir
 * @param {Record<string, { exercises?: boolean, files: Record<string, string> }>} students
 */
function writeClass(dir, students) {
  for (const [name, { exercises, files }] of Object.entries(students)) {
    const folder = path.join(dir, name, exercises ? 'exercises' : '');
    mkdirSync(folder, { recursive: true });
    for (const [id, text] of Object.entries(files)) writeFileSync(path.join(folder, `${id}.ts`), text);
  }
}

/** The honest part of the class, and the grades.csv rows it must get (02 and 10 are worth 10 each). */
const HONEST = {
  '2-all-correct': { exercises: true, files: { '02-server-events': solution('02-server-events'), '10-datagram-size': solution('10-datagram-size') } },
  '3-all-stub': { files: { '02-server-events': stub('02-server-events'), '10-datagram-size': stub('10-datagram-size') } },
  '4-mixed': { files: { '02-server-events': solution('02-server-events'), '10-datagram-size': stub('10-datagram-size') } },
  '5-infinite-loop': { files: { '02-server-events': fixture('infinite-loop'), '10-datagram-size': solution('10-datagram-size') } },
  '6-syntax-error': { exercises: true, files: { '02-server-events': fixture('syntax-error'), '10-datagram-size': solution('10-datagram-size') } },
  '7-no-lesson-files': { files: { 'notes.txt': 'nothing here' } },
};
const HONEST_ROWS = ['2-all-correct,10,10,20', '3-all-stub,0,0,0', '4-mixed,10,0,10', '5-infinite-loop,0,10,10', '6-syntax-error,0,10,10', '7-no-lesson-files,0,0,0'];
const csv = (/** @type {string[]} */ rows) => `${['student,02-server-events,10-datagram-size,total', ...rows].join('\r\n')}\r\n`;

/** @param {string} project @param {string} subs @param {string} out @param {Record<string, string | undefined>} env */
async function grade(project, subs, out, env) {
  const tag = `netlings-selftest-${randomUUID()}`;
  const run = await runCli(['grade', subs, '--lessons', '02,10', '--jobs', '2', '--output', out], { NETLINGS_SELFTEST_TAG: tag, NETLINGS_MODULE_CACHE: 'off', INIT_CWD: project, ...env }, project);
  const left = taggedProcesses(tag);
  for (const p of left) process.kill(p.pid, 'SIGKILL');
  return { ...run, left };
}

test.runIf(SANDBOX)('a class with a hostile submission: exact grades, nothing changed, nothing left running', async () => {
  const project = copyProject();
  // Not under /tmp, which the sandbox replaces anyway: the submissions must be hidden by grade itself.
  const work = mkdtempSync(path.join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'netlings-grade-test-'));
  const subs = path.join(work, 'submissions');
  const out = path.join(work, 'grades');
  // A service of the grading machine on its loopback, which no submission may reach.
  let reached = 0;
  const service = net.createServer((s) => {
    reached++;
    s.destroy();
  });
  await new Promise((resolve) => service.listen(0, '127.0.0.1', () => resolve(undefined)));
  try {
    const targets = { teacher: project, submissions: subs, grades: out, port: /** @type {net.AddressInfo} */ (service.address()).port };
    const hostile = fixture('hostile').replace(/^const TARGETS = .*$/m, `const TARGETS = ${JSON.stringify(targets)};`);
    expect(hostile).toContain(JSON.stringify(targets));
    // Its lesson 10 is a classmate's, imported from the folder of submissions at grading time.
    const classmate = path.join(subs, '2-all-correct', 'exercises', '10-datagram-size.ts');
    writeClass(subs, {
      '1-hostile': { files: { '02-server-events': `${solution('02-server-events')}\n${hostile}`, '10-datagram-size': `export * from ${JSON.stringify(classmate)};\n` } },
      ...HONEST,
    });
    const checkout = projectFiles(project);
    const submitted = projectFiles(subs);

    const { code, out: said, ms, left } = await grade(project, subs, out, {});

    expect(code, said).toBe(0);
    expect(said).toMatch(/Sandbox: each submission runs under bubblewrap/);
    expect(readFileSync(path.join(out, 'grades.csv'), 'utf8'), said).toBe(csv(['1-hostile,10,0,10', ...HONEST_ROWS]));
    expect(said).toMatch(/7-no-lesson-files .*no lesson files found/);
    expect(left, 'processes of the run survived it').toEqual([]);
    expect(changedFiles(checkout, projectFiles(project)), "the teacher's checkout changed").toEqual([]);
    expect(changedFiles(submitted, projectFiles(subs)), 'a submission changed').toEqual([]);
    expect(reached, 'a submission reached a service on the grading machine').toBe(0);
    const html = readFileSync(path.join(out, 'grades.html'), 'utf8');
    expect([...html.matchAll(/<tr data-student="([^"]*)"/g)].map((m) => m[1])).toEqual(['1-hostile', ...Object.keys(HONEST)]);
    expect(html).toMatch(/runs under bubblewrap/);
    // Bounded: 7 submissions × 2 lessons, two at a time, with an infinite loop among them (47 s
    // on a busy 2-core machine; the bound leaves room for npm run stress).
    expect(ms, said).toBeLessThan(150_000);
  } finally {
    service.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}, 240_000);

test.skipIf(SANDBOX)('a class with a hostile submission: skipped, no sandbox here (bubblewrap missing, or not allowed to create namespaces)', () => {});

test('without the sandbox: the same grades, each run on its own copy, and the report says what is not isolated', async () => {
  const project = copyProject();
  const work = mkdtempSync(path.join(tmpdir(), 'netlings-grade-test-'));
  const subs = path.join(work, 'submissions');
  const out = path.join(work, 'grades');
  try {
    writeClass(subs, { '4-mixed': HONEST['4-mixed'], '5-infinite-loop': HONEST['5-infinite-loop'] });
    const { code, out: said, left } = await grade(project, subs, out, { NETLINGS_GUARD: 'fallback' });
    expect(code, said).toBe(0);
    expect(readFileSync(path.join(out, 'grades.csv'), 'utf8'), said).toBe(csv(['4-mixed,10,0,10', '5-infinite-loop,0,10,10']));
    expect(left, 'processes of the run survived it').toEqual([]);
    expect(said).toMatch(/NO SANDBOX \(NETLINGS_GUARD=fallback\): submissions run as your user/);
    expect(said).toMatch(/Nothing stops its code from doing what your account can do/);
    expect(readFileSync(path.join(out, 'grades.html'), 'utf8')).toMatch(/class="guard unsafe"[^]*NO SANDBOX/);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}, 120_000);

test('--lessons names lessons that exist', async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'netlings-grade-test-'));
  try {
    cpSync(path.join(ROOT, 'exercises'), path.join(work, 'someone'), { recursive: true });
    const run = await runCli(['grade', work, '--lessons', '02,99', '--output', path.join(work, 'out')]);
    expect(run.code, run.out).toBe(2);
    expect(run.out).toMatch(/no lesson called "99"/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("refuses to grade anyone when the checkout's hidden tests differ from its manifest", async () => {
  const project = copyProject();
  const work = mkdtempSync(path.join(tmpdir(), 'netlings-grade-test-'));
  try {
    writeClass(path.join(work, 'submissions'), { someone: HONEST['2-all-correct'] });
    const test02 = path.join(project, 'runner', 'hidden-tests', '02-server-events.test.ts');
    writeFileSync(test02, `${readFileSync(test02, 'utf8')}\n// edited\n`);
    const run = await runCli(['grade', path.join(work, 'submissions'), '--output', path.join(work, 'grades')], { INIT_CWD: project }, project);
    expect(run.code, run.out).toBe(1);
    expect(run.out).toMatch(/differ from its hash manifest \(changed: runner\/hidden-tests\/02-server-events\.test\.ts\)/);
    expect(run.out).toMatch(/npm run hash-tests/);
    expect(run.out).not.toMatch(/Grading/);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
});
