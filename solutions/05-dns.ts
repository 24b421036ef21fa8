// Reference solution for lesson 05. One correct way among many: the checks accept any
// implementation with the same behaviour.
import type dns from 'node:dns';
import { Resolver, lookup } from 'node:dns/promises';

export function createResolver(server: string): Resolver {
  // Our own resolver: dns.setServers() would redirect every lookup of the whole program.
  const resolver = new Resolver({ timeout: 100, tries: 2 });
  resolver.setServers([server]);
  return resolver;
}

export interface NameReport {
  a: { address: string; ttl: number }[];
  aaaa: { address: string; ttl: number }[];
  mx: { exchange: string; priority: number }[];
  ns: string[];
  txt: string[];
  soa: dns.SoaRecord | null;
}

/** The records, or `empty` when the name has none of this type (ENODATA is an answer, not a failure). */
async function orEmpty<T, E>(query: Promise<T>, empty: E): Promise<T | E> {
  try {
    return await query;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENODATA') return empty;
    throw err;
  }
}

export async function describeName(resolver: Resolver, name: string): Promise<NameReport> {
  const [a, aaaa, mx, ns, txt, soa] = await Promise.all([
    orEmpty(resolver.resolve4(name, { ttl: true }), []),
    orEmpty(resolver.resolve6(name, { ttl: true }), []),
    orEmpty(resolver.resolveMx(name), []),
    orEmpty(resolver.resolveNs(name), []),
    orEmpty(resolver.resolveTxt(name), []),
    orEmpty(resolver.resolveSoa(name), null),
  ]);
  // Each TXT record comes as chunks of at most 255 bytes: one record, one string.
  return { a, aaaa, mx, ns, txt: txt.map((chunks) => chunks.join('')), soa };
}

export async function pickMailServer(resolver: Resolver, domain: string): Promise<string | null> {
  const records = await orEmpty(resolver.resolveMx(domain), []);
  if (records.length === 0) return null;
  // The lowest number is the most preferred; compare numbers, not text.
  const best = records.reduce((kept, record) => (record.priority < kept.priority ? record : kept));
  return best.exchange;
}

export async function locateService(resolver: Resolver, service: string): Promise<{ host: string; port: number }> {
  const records = await resolver.resolveSrv(service);
  const best = records.reduce((a, b) => (b.priority < a.priority || (b.priority === a.priority && b.weight > a.weight) ? b : a));
  return { host: best.name, port: best.port };
}

export async function followCname(resolver: Resolver, name: string): Promise<string[]> {
  const chain = [name];
  for (;;) {
    const [target] = await orEmpty(resolver.resolveCname(chain[chain.length - 1]), []);
    if (target === undefined) return chain;
    if (chain.includes(target)) throw Object.assign(new Error(`CNAME loop back to ${target}`), { code: 'ELOOP' });
    chain.push(target);
  }
}

export async function compareLocalhost(resolver: Resolver): Promise<{ lookup: string; resolve: string[] }> {
  // lookup() asks the operating system (getaddrinfo: /etc/hosts first); resolve4() asks DNS.
  const [local, remote] = await Promise.all([lookup('localhost', { family: 4 }), resolver.resolve4('localhost')]);
  return { lookup: local.address, resolve: remote };
}
