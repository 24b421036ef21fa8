// Hermetic DNS for the checks: no query may ever leave the machine, and learner code that asks
// anyone but the resolver it was given is caught and named. While a test file uses the sandbox:
//
// - the program-wide resolver (dns.resolve*(), dns.promises.resolve*()) points at a local trap
//   server that refuses every question and logs it;
// - dns.lookup() (getaddrinfo: /etc/hosts, then the system's DNS servers) answers only for IP
//   addresses and `localhost`, the latter from the checks' own hosts data (dns-hosts.ts:
//   127.0.0.1 and ::1 on every machine); any other name fails with ENOTFOUND and is logged;
// - a Resolver whose servers are not the checks' own local servers (a `new Resolver()` without
//   setServers() asks the system's) gets its query refused before anything is sent, and logged;
// - dns.setServers() with anything but a local check server is logged and ignored, and a change
//   of the program-wide servers is reported after the check.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { isLocalhost, lookupLocalhost, lookupLocalhostPromise } from './dns-hosts.ts';
import { startZoneServer, type ZoneServer } from './dns-server.ts';
import { fail } from './failure.ts';
import { lastingOwnSocket } from './udp-tracking.ts';

export interface Escape {
  kind: 'global-query' | 'lookup' | 'foreign-servers' | 'set-servers';
  /** What was asked, for the message: `MX example.test`, `dns.lookup('www.example.test')`. */
  detail: string;
}

const escapes: Escape[] = [];
/** Ports of the checks' own DNS servers on 127.0.0.1: queries to these are allowed. */
const allowedPorts = new Set<number>();
let trap: ZoneServer | undefined;
let trapServers: string[] = [];

/** Lets resolvers ask a server of the checks on 127.0.0.1:`port`. */
export function allowDnsServer(port: number): void {
  allowedPorts.add(port);
}

const allowed = (servers: string[]) =>
  servers.length > 0 &&
  servers.every((s) => {
    const m = s.match(/^127\.0\.0\.1:(\d+)$/);
    return m !== null && allowedPorts.has(Number(m[1]));
  });

const passesLookup = (host: unknown) => typeof host !== 'string' || host === '' || net.isIP(host) !== 0 || /^localhost\.?$/i.test(host);

function notFound(host: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (blocked by netlings: the checks never use the system's DNS)`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: host });
}
function refused(what: string, servers: string[]): NodeJS.ErrnoException {
  return Object.assign(new Error(`${what} ECONNREFUSED (blocked by netlings: this resolver asks ${servers.join(', ') || 'no server'}, not a server of the checks)`), { code: 'ECONNREFUSED' });
}

type Fn = (...args: unknown[]) => unknown;
const restores: (() => void)[] = [];

/** Replaces `target[key]` with `make(original)` until the sandbox ends. */
function patch(target: object, key: string, make: (original: Fn) => Fn): void {
  const t = target as Record<string, Fn>;
  const original = t[key];
  const wrapper = make(original);
  // Keep the original's symbol properties: util.promisify(dns.lookup) reads one of them to
  // resolve with { address, family } instead of the address alone. (Not promisify.custom, which
  // would call the original and get past the trap.)
  for (const symbol of Object.getOwnPropertySymbols(original)) {
    if (symbol === promisify.custom) continue;
    Object.defineProperty(wrapper, symbol, Object.getOwnPropertyDescriptor(original, symbol)!);
  }
  t[key] = wrapper;
  restores.push(() => (t[key] = original));
}

function patchLookups(): void {
  patch(dns, 'lookup', (original) =>
    function (this: unknown, host: unknown, ...rest: unknown[]) {
      if (isLocalhost(host) && lookupLocalhost(rest)) return {};
      if (passesLookup(host)) return original.call(this, host, ...rest);
      escapes.push({ kind: 'lookup', detail: `dns.lookup(${JSON.stringify(host)})` });
      const callback = rest.at(-1);
      if (typeof callback === 'function') process.nextTick(callback, notFound(String(host)));
      return {};
    },
  );
  patch(dns.promises, 'lookup', (original) =>
    function (this: unknown, host: unknown, ...rest: unknown[]) {
      const fromTable = isLocalhost(host) ? lookupLocalhostPromise(rest[0]) : undefined;
      if (fromTable) return fromTable;
      if (passesLookup(host)) return original.call(this, host, ...rest);
      escapes.push({ kind: 'lookup', detail: `dns.promises.lookup(${JSON.stringify(host)})` });
      return Promise.reject(notFound(String(host)));
    },
  );
}

function patchSetServers(): void {
  for (const [target, name] of [
    [dns, 'dns.setServers'],
    [dns.promises, 'dns.promises.setServers'],
  ] as const) {
    patch(target, 'setServers', (original) =>
      function (this: unknown, servers: unknown) {
        const list = Array.isArray(servers) ? servers.map(String) : [];
        escapes.push({ kind: 'set-servers', detail: `${name}(${JSON.stringify(list)})` });
        // A check's own server is harmless to point at; anything else could reach real DNS.
        if (allowed(list)) return original.call(this, servers);
        return undefined;
      },
    );
  }
}

function patchResolvers(): void {
  for (const [proto, promises] of [
    [dns.promises.Resolver.prototype, true],
    [dns.Resolver.prototype, false],
  ] as const) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (!/^(resolve|reverse)/.test(key)) continue;
      patch(proto, key, (original) =>
        function (this: dns.Resolver, ...args: unknown[]) {
          const servers = this.getServers();
          if (allowed(servers)) return original.apply(this, args);
          const what = `${key}(${JSON.stringify(args[0])})`;
          escapes.push({ kind: 'foreign-servers', detail: `${what} to ${servers.join(', ') || 'no server'}` });
          if (promises) return Promise.reject(refused(`query${key.slice(7)}`, servers));
          const callback = args.at(-1);
          if (typeof callback === 'function') process.nextTick(callback, refused(`query${key.slice(7)}`, servers));
          return undefined;
        },
      );
    }
  }
}

/** What the learner's code asked outside the resolver it was given, since the check began. */
export function dnsEscapes(): readonly Escape[] {
  if (trap) for (const q of trap.log.splice(0)) escapes.push({ kind: 'global-query', detail: `${q.type} ${q.name}` });
  const now = dns.getServers();
  if (trap && now.join() !== trapServers.join() && !escapes.some((e) => e.kind === 'set-servers')) {
    escapes.push({ kind: 'set-servers', detail: `the program-wide servers became ${JSON.stringify(now)}` });
  }
  return escapes;
}

const ASKED_ONLY_ITS_RESOLVER = 'every question asked of the resolver your function was given (or made, in createResolver())';
const MESSAGES: Record<Escape['kind'], { message: (d: string) => string; expected: string; hint: string }> = {
  'global-query': {
    message: (d) => `your code asked the program-wide resolver (dns.resolve…() or dns.promises.resolve…()) for ${d}, not the resolver it was given`,
    expected: ASKED_ONLY_ITS_RESOLVER,
    hint: 'Call the methods of the resolver passed to your function, e.g. resolver.resolveMx(domain). The functions on the dns module ask the servers of the whole program.',
  },
  lookup: {
    message: (d) => `your code called ${d}, which asks the operating system (getaddrinfo: /etc/hosts, then the system's DNS), not a DNS server you choose`,
    expected: ASKED_ONLY_ITS_RESOLVER,
    hint: 'dns.lookup() is for connecting to a name the way the OS would. To ask a DNS server for records, use the resolver: resolver.resolve4(name), resolver.resolveMx(name), …',
  },
  'foreign-servers': {
    message: (d) => `your code sent a DNS query, ${d}, to servers other than the one it was given (blocked: the checks never use real DNS)`,
    expected: ASKED_ONLY_ITS_RESOLVER,
    hint: "A new Resolver() asks the system's DNS servers until you call resolver.setServers([server]). Use the resolver you were given, or set its servers before the first query.",
  },
  'set-servers': {
    message: (d) => `your code changed the program-wide DNS servers: ${d}`,
    expected: 'the program-wide DNS servers left as they were',
    hint: 'dns.setServers() redirects every dns.resolve…() call in the whole program. Create a resolver of your own instead: const resolver = new Resolver(options); resolver.setServers([server]).',
  },
};

function report(found: readonly Escape[]): never {
  const [first, ...more] = found;
  const { message, expected, hint } = MESSAGES[first.kind];
  fail({
    message: message(first.detail),
    expected,
    actual: more.length ? `${first.detail}, and ${more.length} more` : first.detail,
    hint,
  });
}

/** Fails if the learner's code asked anything outside its resolver; call after each learner call. */
export function expectHermetic(): void {
  const found = [...dnsEscapes()];
  escapes.length = 0; // reported once, here, not again after the check
  if (found.length) report(found);
}

/** Puts the sandbox around every check of this test file. Call once, at the top. */
export function useDnsSandbox(): void {
  let saved: string[] = [];
  let savedOrder: ReturnType<typeof dns.getDefaultResultOrder> = 'verbatim';
  const originalSetServers = dns.setServers;
  beforeAll(async () => {
    trap = await startZoneServer({ zone: [], refuseAll: true, createSocket: lastingOwnSocket });
    allowDnsServer(trap.port);
    saved = dns.getServers();
    trapServers = [`127.0.0.1:${trap.port}`];
    dns.setServers(trapServers);
    // Addresses in IPv6-first order, as many systems give them: lookup('localhost') without
    // family 4 then shows its ::1 (dns-hosts.ts lists one everywhere) instead of passing by luck.
    savedOrder = dns.getDefaultResultOrder();
    dns.setDefaultResultOrder('ipv6first');
    patchLookups();
    patchSetServers();
    patchResolvers();
    syncBuiltinESMExports(); // `import { lookup } from 'node:dns'` sees the patched function too
  });
  // A backstop for checks that did not ask: report what escaped, and put the trap back.
  afterEach(() => {
    const found = [...dnsEscapes()];
    escapes.length = 0;
    if (dns.getServers().join() !== trapServers.join()) originalSetServers(trapServers);
    if (found.length) report(found);
  });
  afterAll(async () => {
    for (const restore of restores.splice(0).reverse()) restore();
    syncBuiltinESMExports();
    originalSetServers(saved);
    dns.setDefaultResultOrder(savedOrder);
    await trap?.close();
    trap = undefined;
  });
}
