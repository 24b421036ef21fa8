// grades.html opens in a real headless browser (Debian's Chromium, installed by .ci/run) and
// shows every student, with its one script run to the end (no script error). Skipped with a
// note where no Chromium is installed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { isInstalled } from '../core/console-blocks.js';
import { gradesHtml } from '../report/grades-files.js';

const browser = ['chromium', 'chromium-browser', 'google-chrome'].find(isInstalled);

const lessons = /** @type {any[]} */ ([
  { id: '01-tcp-handshake', title: 'TCP', points: 10 },
  { id: '02-server-events', title: 'Server <events> & "more"', points: 5 },
]);
/** @param {number} a @param {number} b */
const report = (a, b) =>
  /** @type {any} */ ({
    points: { earned: a + b, possible: 15 },
    lessons: [
      { id: '01-tcp-handshake', status: a === 10 ? 'pass' : 'fail', message: undefined, points: { earned: a, possible: 10 }, checks: { passed: a, total: 10 }, tests: a === 10 ? [] : [{ name: 'greets', status: 'fail', message: 'waited 3 s for "HELLO\\n" </pre><script>', expected: '"HELLO\\n"' }] },
      { id: '02-server-events', status: 'pass', points: { earned: b, possible: 5 }, checks: { passed: 4, total: 4 }, tests: [] },
    ],
  });
const students = [
  { student: 'alice', report: report(10, 5) },
  { student: 'bob <img src=x onerror=alert(1)>', report: report(4, 5) },
  { student: 'carol "quoted"', problem: 'no lesson files found' },
];

test.skipIf(!browser)('grades.html shows every student in a real browser, without script errors', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'netlings-html-'));
  try {
    const file = path.join(dir, 'grades.html');
    writeFileSync(file, gradesHtml(lessons, students, { isolation: { sandbox: false, why: 'bwrap <missing>' } }));
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(dir, 'profile')}`, '--enable-logging=stderr', '--v=0', '--dump-dom', pathToFileURL(file).href];
    const { stdout, stderr } = await new Promise((resolve, reject) =>
      execFile(/** @type {string} */ (browser), flags, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(err) : resolve({ stdout, stderr }))),
    );
    expect(stdout, 'the page script did not run to the end').toContain('data-ready="yes"');
    const rows = [...stdout.matchAll(/<tr data-student="([^"]*)"/g)].map((m) => m[1]);
    expect(rows).toEqual(['alice', 'bob &lt;img src=x onerror=alert(1)&gt;', 'carol &quot;quoted&quot;']);
    expect(stdout).not.toMatch(/<img src=x/);
    expect(stdout, 'the page does not say that nothing was isolated').toMatch(/<section class="guard unsafe">[^]*NO SANDBOX \(bwrap &lt;missing&gt;\)/);
    expect(stderr).not.toMatch(/Uncaught|SyntaxError|ReferenceError|TypeError/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);

test.skipIf(browser)('grades.html in a browser: skipped, Chromium is not installed (apt-get install chromium)', () => {});
