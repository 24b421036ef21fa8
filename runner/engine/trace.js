// NETLINGS_TRACE=1 shows where a run's time goes, for whoever makes the runner faster: the CLI,
// the test process and its worker each write "[trace <who> <clock>] <what>" lines to stderr
// (the test process's reach the CLI's stderr), stamped with the wall clock in ms so that lines
// from different processes line up. Off, it costs one property read.

/**
 * @param {'cli' | 'test process' | 'worker'} who
 * @param {string} what
 */
export function trace(who, what) {
  if (!process.env.NETLINGS_TRACE) return;
  process.stderr.write(`[trace ${who} ${String(Date.now() % 100_000).padStart(5, '0')}] ${what} (${Math.round(performance.now())} ms after this process started)\n`);
}
