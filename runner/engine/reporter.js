// A vitest reporter that prints nothing: it sends each event to the parent process over IPC.
import path from 'node:path';
import { toFailure } from './failures.js';

/** @typedef {import('vitest/node').TestCase} TestCase */
/** @typedef {import('vitest/node').TestModule} TestModule */

/** The lesson id of a hidden test file: `runner/hidden-tests/01-x.test.ts` → `01-x`. */
const lessonOf = (/** @type {string} */ file) => path.basename(file).replace(/\.test\.ts$/, '');

/** @param {TestCase} tc */
function describeCase(tc) {
  const task = tc.parent.type === 'suite' ? tc.parent.name : '';
  return { id: tc.id, lesson: lessonOf(tc.module.moduleId), task, name: tc.name, fullName: tc.fullName };
}

/**
 * @param {(message: object) => void} send
 * @returns {import('vitest/node').Reporter}
 */
export function ipcReporter(send) {
  return {
    onTestModuleCollected(mod) {
      const checks = [...mod.children.allTests()].map(describeCase);
      send({ type: 'collected', lesson: lessonOf(mod.moduleId), checks });
    },
    onTestCaseReady(tc) {
      send({ type: 'test-start', check: describeCase(tc) });
    },
    onTestCaseResult(tc) {
      const result = tc.result();
      const failure = result.state === 'failed' && result.errors?.length ? toFailure(result.errors[0]) : undefined;
      send({ type: 'test-end', check: describeCase(tc), state: result.state, failure, durationMs: tc.diagnostic()?.duration ?? 0 });
    },
    onUserConsoleLog(log) {
      send({ type: 'log', taskId: log.taskId, stream: log.type, content: log.content });
    },
    onTestModuleEnd(mod) {
      const errors = mod.errors().map(toFailure);
      send({ type: 'module-end', lesson: lessonOf(mod.moduleId), ok: mod.ok(), errors });
    },
    onTestRunEnd(_modules, unhandled) {
      const errors = unhandled.map((e) => ({ test: /** @type {any} */ (e).VITEST_TEST_NAME, failure: toFailure(e) }));
      if (errors.length) send({ type: 'unhandled', errors });
    },
  };
}
