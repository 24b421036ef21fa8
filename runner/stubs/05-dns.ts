// Lesson 05 · DNS: record types, resolve vs lookup
// Read the explainer first: `npm run learn` (or lessons/05-dns.md).
// Check your work with `npm run verify 05`. Stuck? `npm run hint 05`.
//
// Every function except createResolver() gets a `resolver` that asks the checks' own DNS server
// for the zone example.test. Ask it, and only it: never the dns.resolve*() functions of the
// whole program, never dns.lookup() (except in task 6), never dns.setServers().
import dns from 'node:dns';
import { Resolver } from 'node:dns/promises';

/**
 * Task 1 — a resolver of your own.
 *
 * 1.1 Return a new `Resolver` from `node:dns/promises` that sends its queries to `server` and
 *     nowhere else (`server` is an address and a port, such as `'127.0.0.1:5353'`). Each call
 *     returns a resolver of its own.
 * 1.2 Leave the program's global resolver alone: never call `dns.setServers()`. It changes the
 *     servers of every `dns.resolve…()` and `dns.promises.resolve…()` call in the whole program.
 * 1.3 Give up quickly: create it with the options `{ timeout: 100, tries: 2 }`. A query that the
 *     server never answers is then sent twice, and rejects with the error code `ETIMEOUT` in
 *     under a second (with the default options it would wait about 30 seconds).
 */
export function createResolver(server: string): Resolver {
  // TODO: new Resolver(...), setServers(...), return it.
  throw new Error('TODO: implement createResolver() in exercises/05-dns.ts');
}

/** Everything `describeName()` finds about a name. */
export interface NameReport {
  a: { address: string; ttl: number }[];
  aaaa: { address: string; ttl: number }[];
  mx: { exchange: string; priority: number }[];
  ns: string[];
  txt: string[];
  soa: dns.SoaRecord | null;
}

/**
 * Task 2 — describe a name.
 *
 * 2.1 Ask `resolver` for the A, AAAA, MX, NS, TXT and SOA records of `name` and resolve with a
 *     `NameReport`: `mx` as the resolver gives them (`{ exchange, priority }`), `ns` as names,
 *     `soa` as the resolver's SOA object. The order inside each list does not matter.
 * 2.2 `a` and `aaaa` give each address with its TTL, the number of seconds a resolver may
 *     remember it: ask with the option `{ ttl: true }`.
 * 2.3 `txt` has one string per TXT record. A record arrives as an array of chunks (a text longer
 *     than 255 bytes is always split): join each record's chunks with nothing in between.
 * 2.4 A type that `name` has no records of (error code `ENODATA`, "no data") is not an error: its
 *     entry is `[]`, or `null` for `soa`.
 * 2.5 If `name` does not exist (error code `ENOTFOUND`, "NXDOMAIN"), or any query fails with
 *     another error, reject with that error (its `code` intact).
 */
export async function describeName(resolver: Resolver, name: string): Promise<NameReport> {
  // TODO: one query per type; turn ENODATA into an empty entry.
  throw new Error('TODO: implement describeName() in exercises/05-dns.ts');
}

/**
 * Task 3 — pick a mail server.
 *
 * 3.1 Ask `resolver` for the MX records of `domain` and resolve with the `exchange` of the record
 *     with the LOWEST `priority` number (the most preferred). Records arrive in any order.
 * 3.2 If several records share the lowest priority, resolve with any one of them.
 * 3.3 If `domain` exists but has no MX records (error code `ENODATA`), resolve with `null`.
 * 3.4 Any other error (`ENOTFOUND`: no such domain; `EREFUSED`, `ETIMEOUT`, …) rejects with that
 *     error.
 */
export async function pickMailServer(resolver: Resolver, domain: string): Promise<string | null> {
  // TODO: resolveMx, then the record with the smallest priority.
  throw new Error('TODO: implement pickMailServer() in exercises/05-dns.ts');
}

/**
 * Task 4 — find a service with SRV.
 *
 * 4.1 Ask `resolver` for the SRV records of `service` (such as `'_sip._tcp.example.test'`) and
 *     resolve with `{ host, port }` of the chosen record: `host` is its `name`, `port` is its
 *     `port`. Each record names its own port.
 * 4.2 Choose the record with the lowest `priority`; among records that share it, the one with the
 *     highest `weight`; if several tie on both, any one of them.
 * 4.3 If `service` has no SRV records (`ENODATA`) or does not exist (`ENOTFOUND`), reject with
 *     that error.
 */
export async function locateService(resolver: Resolver, service: string): Promise<{ host: string; port: number }> {
  // TODO: resolveSrv, sort or scan, return host and port.
  throw new Error('TODO: implement locateService() in exercises/05-dns.ts');
}

/**
 * Task 5 — follow CNAMEs.
 *
 * 5.1 Resolve with the chain of names from `name` to its canonical name: start with `[name]`;
 *     while the last name has a CNAME record (`resolver.resolveCname()`), append its target. A
 *     name without a CNAME (`ENODATA`) ends the chain, so a name that is no alias gives `[name]`.
 * 5.2 If a name in the chain does not exist (`ENOTFOUND`, such as an alias to a name that was
 *     deleted), or any other error happens, reject with that error.
 * 5.3 If a CNAME points to a name already in the chain (a loop), reject with an `Error` whose
 *     `code` is `'ELOOP'`.
 */
export async function followCname(resolver: Resolver, name: string): Promise<string[]> {
  // TODO: a loop of resolveCname() calls.
  throw new Error('TODO: implement followCname() in exercises/05-dns.ts');
}

/**
 * Task 6 — lookup vs resolve: the same name, two answers.
 *
 * 6.1 `lookup`: the IPv4 address that `dns.lookup('localhost', { family: 4 })` gives. It is the
 *     operating system's answer (from /etc/hosts), found without any DNS query.
 * 6.2 `resolve`: the A records that `resolver` gives for `'localhost'`
 *     (`resolver.resolve4('localhost')`): the DNS server's answer.
 */
export async function compareLocalhost(resolver: Resolver): Promise<{ lookup: string; resolve: string[] }> {
  // TODO: one dns.promises.lookup() and one resolver.resolve4().
  throw new Error('TODO: implement compareLocalhost() in exercises/05-dns.ts');
}
