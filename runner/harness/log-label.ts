// A check that resets a connection on purpose (a crashed client) makes the learner's code log an
// ECONNRESET that is expected and harmless. When that check fails for another reason, the report
// shows what the learner's code printed; the label keeps those lines from reading as the cause.
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
const LABEL = "[after the check's deliberate reset]";

let restore: (() => void) | undefined;

/** From now until the check ends, prefixes every line the code under test prints. */
export function labelLogsAfterReset(): void {
  if (restore) return;
  const saved = METHODS.map((name) => [name, console[name]] as const);
  for (const [name, original] of saved) console[name] = (...args: unknown[]) => original.call(console, LABEL, ...args);
  restore = () => {
    for (const [name, original] of saved) console[name] = original;
    restore = undefined;
  };
}

/** Ends the labelling (after each check). */
export function stopLabellingLogs(): void {
  restore?.();
}

onCheckEnd(AFTER_CHECK.logLabels, stopLabellingLogs);
