// Bad and hostile learner code never hangs, silences or fools the runner. Each fixture under
// fixtures/bad-code/ runs through the real CLI, in a throwaway copy of the project, and must end
// with the exit code and messages its header names, within its time bound, with no process of
// the run left alive and the project's files unchanged. Header lines (all optional):
//   // expect-message: <regex>       must appear (repeatable)      // expect-not: <regex>  must not
//   // expect-exit: <n>              default 1                      // expect-within: <s>   default 30
//   // guards: both | sandbox        run under both guards (sandbox and fallback), or only the sandbox
//   // env: KEY=VALUE                for the CLI (e.g. a shorter time budget)
//   // expect-changed: <path>        a file the run may change (repeatable)
//   // expect-next-run: refused      the next `verify` of the learner's own files must refuse
// Any expect-* key may end in -sandbox or -fallback to apply under that guard only.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../core/course.js';
import { FIXTURES, changedFiles, copyProject, fixtures, projectFiles, runCli, sandboxWorks, taggedProcesses } from './helpers.js';

const SANDBOX = sandboxWorks();

// CI sets NETLINGS_REQUIRE_SANDBOX=1 (.ci/run): there, the sandbox cases may not be skipped.
test.runIf(process.env.NETLINGS_REQUIRE_SANDBOX === '1')('the sandbox works on this machine', () => {
  expect(SANDBOX, 'bwrap --unshare-pid --unshare-net fails here').toBe(true);
});

const cases = fixtures(path.join(FIXTURES, 'bad-code'), '01-tcp-handshake').flatMap((f) => {
  const guards = f.header('guards')[0];
  const list = guards === 'both' ? ['sandbox', 'fallback'] : guards === 'sandbox' ? ['sandbox'] : ['auto'];
  return list.map((guard) => /** @type {const} */ ([`${f.name}${guard === 'auto' ? '' : ` (${guard})`}`, f, guard]));
});

describe.each(cases)('%s', (_name, fixture, guard) => {
  const mode = guard === 'auto' ? (SANDBOX ? 'sandbox' : 'fallback') : guard;
  /** Header values for this guard: `key-<mode>` lines if there are any, else `key` lines. */
  const expectation = (/** @type {string} */ key) => {
    const specific = fixture.header(`${key}-${mode}`);
    return specific.length ? specific : fixture.header(key);
  };

  test('ends with a clear message, in time, leaving nothing behind', async (context) => {
    if (guard === 'sandbox' && !SANDBOX) return context.skip('no sandbox here (bubblewrap missing, or not allowed to create namespaces)');
    const project = copyProject({ fixtureDir: fixture.dir });
    try {
      const before = projectFiles(project);
      const tag = `netlings-selftest-${randomUUID()}`;
      /** @type {Record<string, string | undefined>} */
      const env = { NETLINGS_SELFTEST_TAG: tag, NETLINGS_MODULE_CACHE: 'off', NETLINGS_GUARD: guard === 'auto' ? undefined : guard };
      for (const line of fixture.header('env')) env[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
      const dir = path.join(project, path.relative(ROOT, fixture.dir));
      const { code, out, ms } = await runCli(['verify', '01', '--exercises', dir], env, project);

      expect(code, out).toBe(Number(expectation('expect-exit')[0] ?? 1));
      expect(ms, `took too long\n${out}`).toBeLessThan(Number(expectation('expect-within')[0] ?? 30) * 1000);
      for (const pattern of expectation('expect-message')) expect(out, out).toMatch(new RegExp(pattern));
      for (const pattern of expectation('expect-not')) expect(out, out).not.toMatch(new RegExp(pattern));
      for (const pattern of fixture.expectLocation) expect(out).toMatch(new RegExp(pattern));
      // Written for a learner: no raw stack traces unless --verbose.
      expect(out).not.toMatch(/^\s+at .*[( ](file:\/\/|\/|node:).+:\d+:\d+\)?$/m);
      expect(out).not.toMatch(/node_modules|vitest-pool/);

      const left = taggedProcesses(tag);
      for (const p of left) process.kill(p.pid, 'SIGKILL');
      expect(left, 'processes of the run survived it').toEqual([]);

      const changed = changedFiles(before, projectFiles(project));
      expect(changed, 'the run changed the project').toEqual(expectation('expect-changed').sort());

      if (expectation('expect-next-run')[0] === 'refused') {
        const next = await runCli(['verify', '01'], env, project);
        expect(next.code, next.out).toBe(1);
        expect(next.out).toMatch(/differ from the ones it shipped/);
        expect(next.out).toMatch(/git checkout -- runner\//);
        const progress = path.join(project, '.netlings', 'progress.json');
        if (existsSync(progress)) expect(JSON.parse(readFileSync(progress, 'utf8')).done).not.toHaveProperty('01-tcp-handshake');
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
