// The shared harness every lesson's hidden tests import. A lesson's test says WHAT to check;
// loading the learner's file, deadlines, sockets and clean-up live here.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { closeEverything } from './tracking.ts';
import { closeProxies } from './proxy.ts';
import { closeHandoffServers, closeWorker } from './handoff.ts';
import { stopLabellingLogs } from './log-label.ts';
import { stopProbes } from './leftovers.ts';
import { closeUdpSockets } from './udp-tracking.ts';
import { cancelResolvers } from './dns.ts';
import { takePendingCrash } from './wait.ts';

export { LessonFailure, expectEqual, fail, firstDifference, show } from './failure.ts';
export { step } from './watchdog.ts';
export { STEP_DEADLINE_MS, until, within } from './wait.ts';
export { useExercise, todoOrRethrow, type Exercise } from './exercise.ts';
export { HOST, Peer, closeServer, closedPort, connect, learnerConnectionsClosed, learnerSocketErrors, listen, serve } from './net.ts';
export { chunkingProxy, type ChunkMode } from './proxy.ts';
export { ServerProbe, adoptServer, probeServer, type ServerSide } from './server-probe.ts';
export { attemptConnect, type ConnectAttempt } from './connect-attempt.ts';
export { roundTrip } from './round-trip.ts';
export { callLearner, callMethod, watchSettle, withHint, type Settled } from './learner-call.ts';
export { expectAllBytesThenEnd } from './expect-bytes.ts';
export { injected, type Injected, type InjectedCall } from './injected.ts';
export { listenHandoff, startWorker, type HandoffWorker } from './handoff.ts';
export { BulkClient, connectBulk } from './bulk-client.ts';
export { hasIpv6Loopback } from './ipv6.ts';
export { byteDifference, showBytes } from './bytes.ts';
export { UDP_HOST, UdpPeer } from './udp-peer.ts';
export { bindLearnerSocket, closedUdpPort, udpServer, type Datagram } from './udp.ts';
export { lossyProxy, type LossyOptions } from './udp-proxy.ts';
export { DEFAULT_MAX_DATAGRAM, MAX_IPV4_DATAGRAM } from './udp-tracking.ts';
export { cancelAfterCheck, resolverFor, silentDnsServer, zoneServer } from './dns.ts';
export { dnsEscapes, expectHermetic, useDnsSandbox, type Escape } from './dns-sandbox.ts';
export { type Query, type ZoneServer } from './dns-server.ts';
export { ORIGIN, SOA_DATA, ZONE, type ZoneRecord } from './dns-zone.ts';
export { startProbe, type Probe } from './leftovers.ts';
export { TlsPeer, tlsConnect, tlsServe } from './tls.ts';
export { CA_NAME, issue, usePki, type Credentials, type Pki, type Variant } from './pki.ts';
export { signatureAlgorithm } from './x509.ts';
export { RawHttp, type RawResponse } from './http.ts';
export { curlInstalled, fetchFrom, keepAliveAgent, nodeRequest, runCurl, type ClientResponse } from './http-clients.ts';
export { Inbox, LOOPBACK, trackUdp, udpHandles, udpInbox, untilUdpHandles, type UdpFamily } from './udp-inbox.ts';
export { reverse, udpChaosProxy, type ChaosRule } from './udp-chaos.ts';
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
  closeHandoffServers(); // before closeEverything, which would wait for them: see handoff.ts
  stopLabellingLogs();
  await closeProxies();
  stopProbes();
  cancelResolvers();
  await closeUdpSockets();
  await closeEverything();
  await nextTurn(); // unhandled rejections are reported after the microtask queue drains
  const crash = takePendingCrash();
  if (crash) throw crash;
});
afterAll(closeWorker);
