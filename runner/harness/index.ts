// The shared harness every lesson's hidden tests import. A lesson's test says WHAT to check;
// loading the learner's file, deadlines, sockets and clean-up live here.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach } from 'vitest';
import { closeEverything } from './tracking.ts';
import { closeProxies } from './proxy.ts';
import { takePendingCrash } from './wait.ts';

export { LessonFailure, expectEqual, fail, firstDifference, show } from './failure.ts';
export { step } from './watchdog.ts';
export { STEP_DEADLINE_MS, until, within } from './wait.ts';
export { useExercise, todoOrRethrow, type Exercise } from './exercise.ts';
export { HOST, Peer, closeServer, closedPort, connect, listen, serve } from './net.ts';
export { chunkingProxy, type ChunkMode } from './proxy.ts';
export {
  HAS_ABSTRACT_NAMES,
  IS_WINDOWS,
  MAX_SOCKET_PATH_BYTES,
  abstractName,
  connectPath,
  listenOnPath,
  servePath,
  socketFolder,
  socketPath,
  staleSocketAt,
  trackChild,
  trackLearnerServer,
} from './unix.ts';
export { serveInChild } from './child.ts';
export { Wire, frame, pattern, socketPair, untilRead, watchWrites, type WriteWatch } from './framing.ts';

// After every check: close what it opened, and report a crash that happened while the check
// was not waiting for anything (it would otherwise be lost or blamed on the next check).
beforeEach(() => {
  takePendingCrash(); // nothing from an earlier check may be blamed on this one
});
afterEach(async () => {
  await closeProxies();
  await closeEverything();
  await nextTurn(); // unhandled rejections are reported after the microtask queue drains
  const crash = takePendingCrash();
  if (crash) throw crash;
});
