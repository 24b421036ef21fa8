// The test worker started before vitest is imported (engine/early-worker.js) is only of use if
// vitest asks for a worker with exactly the predicted arguments. A vitest upgrade that changes
// them would silently make every verify ~0.3 s slower: this says so instead.
import { expect, test } from 'vitest';
import { runCli } from '../helpers.js';

test('vitest takes the early worker: its arguments were predicted exactly', async () => {
  const { code, out } = await runCli(['verify', '01', '--exercises', 'solutions'], { NETLINGS_TRACE: '1' });
  expect(code, out).toBe(0);
  expect(out, 'see engine/early-worker.js: compare with the arguments vitest passes to new Worker()').toMatch(/the worker started ahead was used/);
  expect(out).not.toMatch(/started ahead was NOT used/);
});
