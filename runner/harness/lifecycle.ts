// What runs around every check. Each harness module registers the clean-up for what it opens,
// next to the code that opens it, so a lesson's test file imports only the modules it uses: a
// test of plain TCP does not load the TLS, DNS or HTTP helpers (~0.35 s of imports per run).
//
// This module imports nothing from the harness: every module may register here while it loads.
import { afterAll, afterEach, beforeEach } from 'vitest';

/**
 * When a clean-up runs after a check, smallest first. The order matters where one clean-up
 * waits for what another closes: hand-off servers before the leak check in `sockets`, the
 * crash report only after everything learner code could still call back into is closed.
 */
export const AFTER_CHECK = {
  clock: 5,
  handoff: 10,
  logLabels: 20,
  proxies: 30,
  probes: 40,
  resolvers: 50,
  udpSockets: 60,
  sockets: 70,
  crash: 80,
  framing: 90,
  children: 95,
  udpInbox: 97,
} as const;

type Hook = () => unknown;
const beforeCheck: Hook[] = [];
const afterCheck: { order: number; run: Hook }[] = [];
const afterFile: { order: number; run: Hook }[] = [];

/** Runs before every check of the file. */
export function onCheckStart(run: Hook): void {
  beforeCheck.push(run);
}

/** Runs after every check of the file, in AFTER_CHECK order. */
export function onCheckEnd(order: number, run: Hook): void {
  afterCheck.push({ order, run });
  afterCheck.sort((a, b) => a.order - b.order);
}

/** Runs once after the file's last check, smallest order first. */
export function onFileEnd(order: number, run: Hook): void {
  afterFile.push({ order, run });
  afterFile.sort((a, b) => a.order - b.order);
}

/** Every hook runs even when one fails; the first failure is the one reported. */
async function runAll(hooks: Hook[]): Promise<void> {
  let first: unknown;
  for (const run of hooks) {
    try {
      await run();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

beforeEach(() => runAll(beforeCheck));
afterEach(() => runAll(afterCheck.map((h) => h.run)));
afterAll(() => runAll(afterFile.map((h) => h.run)));
