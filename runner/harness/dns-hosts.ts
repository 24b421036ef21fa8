// The checks' own hosts data for `localhost`, the one name dns.lookup() answers inside the DNS
// sandbox (dns-sandbox.ts). Machines differ: most list both 127.0.0.1 and ::1 for localhost,
// some (many containers) only 127.0.0.1. Answered from the machine's /etc/hosts, a lookup that
// forgets { family: 4 } passes on the second kind and fails on the first. Answered from this
// table, on every machine, as getaddrinfo does for a hosts file with both lines, it gets ::1
// first (the sandbox's order is ipv6first), so the same code gets the same verdict everywhere.
import dns from 'node:dns';

interface Entry {
  address: string;
  family: 4 | 6;
}

/** localhost in a hosts file with both lines, in getaddrinfo's order (RFC 6724: ::1 first). */
const LOCALHOST: readonly Entry[] = [
  { address: '::1', family: 6 },
  { address: '127.0.0.1', family: 4 },
];

type Order = 'verbatim' | 'ipv4first' | 'ipv6first';
interface Asked {
  family: 0 | 4 | 6;
  all: boolean;
  order: Order;
}

export const isLocalhost = (host: unknown): boolean => typeof host === 'string' && /^localhost\.?$/i.test(host);

/**
 * What a lookup() call with these options asks for, or undefined when the options are ones Node
 * itself rejects (an unknown family or order): those calls are left to Node, so that it throws
 * its own error.
 */
function asked(options: unknown): Asked | undefined {
  let family: unknown = 0;
  let all = false;
  let order: unknown = dns.getDefaultResultOrder();
  if (typeof options === 'number' || typeof options === 'string') family = options;
  else if (typeof options === 'object' && options !== null) {
    const o = options as { family?: unknown; all?: unknown; verbatim?: unknown; order?: unknown };
    family = o.family ?? 0;
    all = o.all === true;
    if (typeof o.verbatim === 'boolean') order = o.verbatim ? 'verbatim' : 'ipv4first';
    if (o.order !== undefined) order = o.order;
  } else if (options !== undefined && options !== null) return undefined;
  const f = family === 'IPv4' ? 4 : family === 'IPv6' ? 6 : family;
  if (f !== 0 && f !== 4 && f !== 6) return undefined;
  if (order !== 'verbatim' && order !== 'ipv4first' && order !== 'ipv6first') return undefined;
  return { family: f, all, order };
}

function answer(a: Asked): Entry[] {
  const found = LOCALHOST.filter((e) => a.family === 0 || e.family === a.family).map((e) => ({ ...e }));
  if (a.order === 'ipv4first') found.sort((x, y) => x.family - y.family);
  if (a.order === 'ipv6first') found.sort((x, y) => y.family - x.family);
  return found;
}

/**
 * dns.lookup('localhost', [options], callback) from the table. `rest` is everything after the
 * host. Returns false when the call is left to Node (no callback, options Node rejects).
 */
export function lookupLocalhost(rest: unknown[]): boolean {
  const callback = rest.at(-1);
  if (typeof callback !== 'function') return false;
  const a = asked(rest.length > 1 ? rest[0] : undefined);
  if (!a) return false;
  const found = answer(a);
  // Asynchronous, like every real lookup.
  if (a.all) process.nextTick(callback, null, found);
  else process.nextTick(callback, null, found[0].address, found[0].family);
  return true;
}

/** dns.promises.lookup('localhost', [options]) from the table; undefined when left to Node. */
export function lookupLocalhostPromise(options: unknown): Promise<Entry | Entry[]> | undefined {
  const a = asked(options);
  if (!a) return undefined;
  const found = answer(a);
  return Promise.resolve(a.all ? found : found[0]);
}
