// Every command in an explainer's "Try it" part is run exactly as written (placeholders filled)
// against the reference solution started by `npm run try`, and must print what the explainer
// says. Real tools (nc, socat, dig, openssl) are independent clients nobody here wrote; a tool
// that is not installed skips its command with a note (.ci/run installs them all).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consoleCommands, fill, isInstalled, outputMatches, toolsOf } from '../core/console-blocks.js';
import { ROOT, loadCourse } from '../core/course.js';
import { startTry } from '../try/session.js';

const COMMAND_MS = 15_000;
const course = loadCourse();


/** @param {string} command */
function run(command) {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd: ROOT, timeout: COMMAND_MS, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (/** @type {any} */ (err).code ?? 'killed') : 0, stdout, stderr }),
    );
  });
}

for (const lesson of course.lessons) {
  const commands = consoleCommands(readFileSync(path.join(ROOT, lesson.explainer), 'utf8'));
  describe(lesson.id, () => {
    test('the explainer has commands to try with a real tool', () => {
      expect(commands.filter((c) => toolsOf(c.command).length), `${lesson.explainer}: its "Try it" part needs a \`\`\`console block using nc, socat, dig or openssl (see CONTRIBUTING.md)`).not.toEqual([]);
    });
    if (!commands.length) return;
    /** @type {import('../try/session.js').TrySession | undefined} */
    let session;
    beforeAll(async () => {
      session = await startTry({ lesson, exercisesDir: 'solutions', stdio: 'ignore' });
    });
    afterAll(async () => session?.close());
    for (const c of commands) {
      test(`${lesson.explainer}:${c.line} $ ${c.command}`, async (ctx) => {
        const missing = toolsOf(c.command).filter((t) => !isInstalled(t));
        if (missing.length) return ctx.skip(`${missing.join(', ')} not installed`);
        const values = /** @type {NonNullable<typeof session>} */ (session).placeholders;
        const result = /** @type {{ code: number | string, stdout: string, stderr: string }} */ (await run(fill(c.command, values)));
        const expected = c.expected.map((l) => fill(l, values));
        expect(outputMatches(expected, result.stdout), `printed:\n${result.stdout}\nstderr:\n${result.stderr}\nexit: ${result.code}\nexpected:\n${expected.join('\n')}`).toBe(true);
      });
    }
  });
}
