// DNS for the checks: a zone server per check (dns-server.ts, on 127.0.0.1 port 0, its socket
// closed after the check with the other UDP sockets), resolvers that ask only it, a server that
// never answers, and clean-up of every resolver a check used (pending queries are cancelled).
import { Resolver } from 'node:dns/promises';
import { allowDnsServer } from './dns-sandbox.ts';
import { startZoneServer, type ZoneServer } from './dns-server.ts';
import { udpServer } from './udp.ts';
import { ownSocket } from './udp-tracking.ts';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';

const resolvers = new Set<{ cancel(): void }>();

/** The zone example.test on 127.0.0.1 and a free port, with a log of every question. */
export async function zoneServer(): Promise<ZoneServer> {
  const server = await startZoneServer({ createSocket: ownSocket });
  allowDnsServer(server.port);
  return server;
}

/** A UDP server that receives DNS queries and never answers: for timeouts. Counts packets. */
export async function silentDnsServer() {
  const server = await udpServer();
  allowDnsServer(server.port);
  return server;
}

/**
 * A resolver of the checks' own that asks only 127.0.0.1:`port`. Short timeouts: the local server
 * answers at once, so a wait is only ever long when something is wrong.
 */
export function resolverFor(port: number, options: { timeout: number; tries: number } = { timeout: 300, tries: 1 }): Resolver {
  const resolver = new Resolver(options);
  resolver.setServers([`127.0.0.1:${port}`]);
  resolvers.add(resolver);
  return resolver;
}

/** Cancels `resolver`'s pending queries after the check (a learner's, which may never time out). */
export function cancelAfterCheck(resolver: { cancel(): void }): void {
  resolvers.add(resolver);
}

/** Cancels every pending query of every resolver the check used (run after each check). */
export function cancelResolvers(): void {
  for (const resolver of resolvers) {
    try {
      resolver.cancel();
    } catch {
      // not a resolver after all (a learner returned something else): nothing to cancel
    }
  }
  resolvers.clear();
}

onCheckEnd(AFTER_CHECK.resolvers, cancelResolvers);
