// NETLINGS_TRACE=1 shows where a run's time goes, for whoever makes the runner faster: the CLI,
// the test process and its worker each write "[trace <who> <clock>] <what>" lines to stderr
// (the test process's reach the CLI's stderr), stamped with the wall clock in ms so that lines
// from different processes line up. NETLINGS_TRACE=/absolute/file appends them to that file
// instead (for learn, whose screen stderr would garble). Off, it costs one property read.
import { appendFileSync } from 'node:fs';

/** Whether trace lines are wanted: callers that build a line from each message ask first. */
export const tracing = () => Boolean(process.env.NETLINGS_TRACE);

/**
 * @param {'cli' | 'learn' | 'test process' | 'worker'} who
 * @param {string} what
 */
export function trace(who, what) {
  if (!process.env.NETLINGS_TRACE) return;
  traceOut(`[trace ${who} ${String(Date.now() % 100_000).padStart(5, '0')}] ${what} (${Math.round(performance.now())} ms after this process started)\n`);
}

/**
 * Where trace lines go. The test process's output is passed on by the CLI through here (in the
 * sandbox it cannot write the file: its lines fall back to its stderr, which the CLI reads).
 * @param {string} text
 */
export function traceOut(text) {
  const to = process.env.NETLINGS_TRACE;
  if (!to) return;
  if (to.startsWith('/')) {
    try {
      appendFileSync(to, text);
    } catch {
      process.stderr.write(text);
    }
  } else process.stderr.write(text);
}
