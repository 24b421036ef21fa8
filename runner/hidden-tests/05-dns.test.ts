// Hidden tests for lesson 05: DNS record types, resolve vs lookup, a resolver with a timeout.
// try: the example.test zone server (runner/harness/dns-server.ts) on PORT
// Hermetic: every check starts its own authoritative server for example.test on 127.0.0.1 and
// gives the learner a resolver that asks only it. The sandbox (useDnsSandbox) catches and names
// any question asked elsewhere: the program-wide resolver, dns.lookup(), dns.setServers(), or a
// resolver that would ask the system's DNS servers. No query ever leaves the machine.
import dns from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { describe, test } from 'vitest';
import { cancelAfterCheck, resolverFor, silentDnsServer, zoneServer } from '../harness/dns.ts';
import { allowDnsServer, expectHermetic, useDnsSandbox } from '../harness/dns-sandbox.ts';
import { startZoneServer, type ZoneServer } from '../harness/dns-server.ts';
import { ZONE, type ZoneRecord } from '../harness/dns-zone.ts';
import { todoOrRethrow, useExercise } from '../harness/exercise.ts';
import { fail, show } from '../harness/failure.ts';
import { ownSocket } from '../harness/udp-tracking.ts';
import { within } from '../harness/wait.ts';

interface NameReport {
  a: { address: string; ttl: number }[];
  aaaa: { address: string; ttl: number }[];
  mx: { exchange: string; priority: number }[];
  ns: string[];
  txt: string[];
  soa: dns.SoaRecord | null;
}
interface Lesson05 {
  createResolver(server: string): Resolver;
  describeName(resolver: Resolver, name: string): Promise<NameReport>;
  pickMailServer(resolver: Resolver, domain: string): Promise<string | null>;
  locateService(resolver: Resolver, service: string): Promise<{ host: string; port: number }>;
  followCname(resolver: Resolver, name: string): Promise<string[]>;
  compareLocalhost(resolver: Resolver): Promise<{ lookup: string; resolve: string[] }>;
}

useDnsSandbox();
const lesson = useExercise<Lesson05>('05-dns');

const HINT = {
  options:
    'Pass both options to the constructor: new Resolver({ timeout: 100, tries: 2 }). timeout alone is not enough: tries defaults to 4, each try waiting longer than the last; with neither, a query to a silent server waits about 30 seconds.',
  setServers: 'Call resolver.setServers([server]) on the new resolver, with the server string you were given.',
  promises: "Import Resolver from 'node:dns/promises': its methods return promises. The Resolver of 'node:dns' takes callbacks.",
  enodata: "ENODATA means the name exists but has no records of that type: catch it (err.code === 'ENODATA') and use [] or null. Let every other error through.",
  rethrow: 'Only ENODATA is an answer ("no records of this type"). Any other error, such as ENOTFOUND (no such name) or EREFUSED, must reject the promise: rethrow it.',
  ttl: 'Ask with the ttl option: resolver.resolve4(name, { ttl: true }) gives [{ address, ttl }] instead of plain addresses.',
  txt: "resolveTxt() gives one array of chunks per record, e.g. [['hello ', 'world']]: join each record's chunks with '' (no separator), one string per record.",
  sortMx: 'MX records come in any order, and the LOWEST priority number wins. Compare the numbers (a.priority - b.priority), not their text, and do not trust the order they came in.',
  srv: 'Pick the lowest priority; among those, the highest weight. Return that record\'s own name and port: { host: record.name, port: record.port }.',
  cname: 'Start with [name]; ask resolver.resolveCname(last) and append the target; stop when that query fails with ENODATA (no alias). Any other error rejects.',
  loop: "Before appending a target, check whether the chain already contains it; if so, reject with Object.assign(new Error('CNAME loop'), { code: 'ELOOP' }).",
  lookup: "dns.lookup() (or lookup from 'node:dns/promises') with { family: 4 } asks the operating system, which answers localhost from /etc/hosts.",
  resolve4: "resolver.resolve4('localhost') asks the DNS server, which has its own A record for localhost.",
};

const ok = <T>(value: T) => ({ resolved: true as const, value });
const ko = (error: unknown) => ({ resolved: false as const, error });
type Outcome<T> = { resolved: true; value: T } | { resolved: false; error: unknown };

type Fn = Exclude<keyof Lesson05, 'createResolver'>;

/** Calls a learner function, waits for it to settle, and fails if it asked anyone but its resolver. */
async function run<K extends Fn>(name: K, ...args: Parameters<Lesson05[K]>): Promise<Outcome<Awaited<ReturnType<Lesson05[K]>>>> {
  return runWith({ hint: 'Every query gets its answer from the local server at once: await each one, and make sure every path of your function returns or throws.' }, name, ...args);
}

/** run(), with the hint for a function that never settles. */
async function runWith<K extends Fn>(options: { hint: string }, name: K, ...args: Parameters<Lesson05[K]>): Promise<Outcome<Awaited<ReturnType<Lesson05[K]>>>> {
  const call = (lesson.call as (n: K, ...a: Parameters<Lesson05[K]>) => Promise<Awaited<ReturnType<Lesson05[K]>>>)(name, ...args);
  const settled = call.catch((err: unknown) => todoOrRethrow(name, lesson.file, err)).then(ok, ko);
  const o = await within(settled, `${name}(${show(String(args[1] ?? 'resolver'))}) to settle`, { ms: 2000, hint: options.hint });
  if (!o.resolved && (o.error as { netlings?: unknown })?.netlings) throw o.error; // TODO or a throw
  expectHermetic();
  return o;
}

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;
const describeOutcome = (o: Outcome<unknown>) => (o.resolved ? `resolved with ${asJson(o.value)}` : `rejected with ${codeOf(o.error) ?? show(String(o.error))}`);

function expectResolved<T>(o: Outcome<T>, what: string, expected: string, hint: string): T {
  if (!o.resolved) fail({ message: `${what} rejected instead of resolving`, expected, actual: describeOutcome(o), hint });
  return o.value;
}

function expectRejected(o: Outcome<unknown>, code: string, what: string, hint: string): void {
  if (o.resolved) fail({ message: `${what} resolved instead of rejecting with ${code}`, expected: `a rejection with the error code ${code}`, actual: describeOutcome(o), hint });
  if (codeOf(o.error) !== code) {
    fail({ message: `${what} rejected, but not with the error code ${code}`, expected: `an Error with code ${code}`, actual: describeOutcome(o), hint });
  }
  if (!(o.error instanceof Error)) {
    fail({ message: `${what} rejected with a plain object, not an Error`, expected: `an Error with code ${code}`, actual: `${typeof o.error}: ${asJson(o.error)}`, hint: `Reject with an Error object: Object.assign(new Error('…'), { code: '${code}' }), or the resolver's own error as it is.` });
  }
}

/** A value in a canonical form: arrays sorted and keys in order, so that neither order matters. */
function canonical(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(norm(value)) ?? String(value);
}

/** A value as JSON for a message, shortened when long. */
function asJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 160)}… (${text.length.toLocaleString('en')} characters)` : text;
}

function expectSame(actual: unknown, expected: unknown, what: string, hint: string): void {
  if (canonical(actual) === canonical(expected)) return;
  fail({ message: `${what} was not what the zone holds`, expected: asJson(expected), actual: asJson(actual), hint });
}

async function setup(): Promise<{ zone: ZoneServer; resolver: Resolver }> {
  const zone = await zoneServer();
  return { zone, resolver: resolverFor(zone.port) };
}

/**
 * setup(), with records of the check's own added to the zone: orders and sets that the shared
 * zone (also served by `npm run try 05`, whose output the explainer shows) has no room for.
 */
async function setupWith(extra: ZoneRecord[]): Promise<{ zone: ZoneServer; resolver: Resolver }> {
  const zone = await startZoneServer({ zone: [...ZONE, ...extra], createSocket: ownSocket });
  allowDnsServer(zone.port);
  return { zone, resolver: resolverFor(zone.port) };
}

/** The zone's records of one type at one name. */
const records = (name: string, type: string) => ZONE.filter((r) => r.name === name && r.type === type);
const LONG_TEXT = (records('notes.example.test', 'TXT')[0].data as string[]).join('');

describe('Task 1: createResolver()', () => {
  /** The learner's resolver, checked to be a promises Resolver before anything is asked. */
  async function learnerResolver(server: string): Promise<Resolver> {
    const resolver: unknown = await lesson.call('createResolver', server);
    if (resolver && typeof (resolver as { cancel?: unknown }).cancel === 'function') cancelAfterCheck(resolver as Resolver);
    if (!(resolver instanceof Resolver)) {
      fail({
        message: 'createResolver() should return a Resolver from node:dns/promises',
        expected: 'new Resolver(…) with Resolver imported from node:dns/promises',
        actual: resolver instanceof dns.Resolver ? 'a Resolver from node:dns, whose methods take callbacks' : resolver === undefined ? 'undefined (did you forget to return it?)' : show(String(resolver)),
        hint: HINT.promises,
      });
    }
    expectHermetic();
    const servers = resolver.getServers();
    if (servers.length !== 1 || servers[0] !== server) {
      fail({ message: 'the resolver does not ask exactly the server it was given', expected: asJson([server]), actual: `getServers() gives ${asJson(servers)}`, hint: HINT.setServers });
    }
    return resolver;
  }

  test('returns a Resolver from node:dns/promises that asks the given server [1.1]', async () => {
    const zone = await zoneServer();
    const resolver = await learnerResolver(`127.0.0.1:${zone.port}`);
    const o = await within(resolver.resolve4('example.test').then(ok, ko), 'your resolver to answer A example.test', { ms: 2000, hint: HINT.setServers });
    expectHermetic();
    expectSame(expectResolved(o, 'resolve4("example.test") through your resolver', '["192.0.2.10","192.0.2.11"]', HINT.setServers), ['192.0.2.10', '192.0.2.11'], 'the A records of example.test', HINT.setServers);
    if (!zone.log.some((q) => q.type === 'A' && q.name === 'example.test')) fail({ message: 'the server you were given never saw the query', expected: 'A example.test at the given server', actual: 'nothing', hint: HINT.setServers });
  });

  test('returns a new resolver on each call, each asking its own server [1.1]', async () => {
    const [one, two] = [await zoneServer(), await zoneServer()];
    const first = await learnerResolver(`127.0.0.1:${one.port}`);
    const second = await learnerResolver(`127.0.0.1:${two.port}`);
    if (first === second) fail({ message: 'createResolver() returned the same resolver twice', expected: 'a new Resolver per call', actual: 'the same object', hint: 'Create the resolver inside createResolver(): new Resolver(...) on every call, not once for the whole file.' });
    const servers = first.getServers();
    if (servers.join() !== `127.0.0.1:${one.port}`) {
      fail({ message: 'the first resolver changed its server when a second one was created', expected: asJson([`127.0.0.1:${one.port}`]), actual: `getServers() gives ${asJson(servers)}`, hint: 'Each call must create its own Resolver; a shared one is reconfigured by every call.' });
    }
    await within(Promise.all([first.resolveMx('example.test'), second.resolveNs('example.test')]), 'both resolvers to answer', { ms: 2000, hint: HINT.setServers });
    expectHermetic();
    if (!one.log.some((q) => q.type === 'MX') || one.log.some((q) => q.type === 'NS') || !two.log.some((q) => q.type === 'NS')) {
      fail({ message: 'a resolver asked the other resolver\'s server', expected: 'MX at the first server, NS at the second', actual: `first server: ${one.log.map((q) => q.type).join(', ') || 'nothing'}; second: ${two.log.map((q) => q.type).join(', ') || 'nothing'}`, hint: HINT.setServers });
    }
  });

  test('leaves the program-wide resolver alone [1.2]', async () => {
    const before = dns.getServers();
    const zone = await zoneServer();
    const resolver = await learnerResolver(`127.0.0.1:${zone.port}`);
    await within(resolver.resolve4('example.test').catch(() => []), 'your resolver to answer A example.test', { ms: 2000, hint: HINT.setServers });
    expectHermetic();
    const after = dns.getServers();
    if (after.join() !== before.join()) fail({ message: 'the program-wide DNS servers changed', expected: asJson(before), actual: asJson(after), hint: 'Never call dns.setServers(): set the servers of your own resolver with resolver.setServers([server]).' });
  });

  test('gives up on a server that never answers: ETIMEOUT after 2 tries, well within 2 s [1.3]', async () => {
    const silent = await silentDnsServer();
    const resolver = await learnerResolver(`127.0.0.1:${silent.port}`);
    const o = await within(resolver.resolve4('example.test').then(ok, ko), 'a query to a server that never answers to give up', {
      ms: 2000,
      hint: HINT.options,
      detail: () => `${silent.received.length} quer${silent.received.length === 1 ? 'y' : 'ies'} reached the silent server so far`,
    });
    expectHermetic();
    expectRejected(o, 'ETIMEOUT', 'a query to a silent server', HINT.options);
    const n = silent.received.length;
    if (n !== 2) {
      fail({
        message: `the silent server got ${n} quer${n === 1 ? 'y' : 'ies'} before your resolver gave up`,
        expected: '2 queries: the first and one retry (tries: 2)',
        actual: `${n}`,
        hint: `tries counts every query sent for a question, the first one included: tries: 2 sends it twice${n > 2 ? ', not three times or more' : ', once more after the first timeout'}. Use new Resolver({ timeout: 100, tries: 2 }).`,
      });
    }
  });
});

describe('Task 2: describeName()', () => {
  test('reports the A, AAAA, MX, NS and SOA records of a name [2.1]', async () => {
    const { zone, resolver } = await setup();
    const report = expectResolved(await run('describeName', resolver, 'example.test'), 'describeName("example.test")', 'a NameReport', HINT.enodata);
    expectSame((report.a ?? []).map((r) => r?.address ?? r), ['192.0.2.10', '192.0.2.11'], 'the addresses in report.a', 'Fill report.a from resolver.resolve4(name, { ttl: true }).');
    expectSame((report.aaaa ?? []).map((r) => r?.address ?? r), ['2001:db8::10'], 'the addresses in report.aaaa', 'Fill report.aaaa from resolver.resolve6(name, { ttl: true }).');
    expectSame((report.mx ?? []).map((r) => ({ exchange: r?.exchange, priority: r?.priority })), records('example.test', 'MX').map((r) => ({ exchange: (r.data as { exchange: string }).exchange, priority: (r.data as { preference: number }).preference })), 'report.mx', 'Fill report.mx with what resolver.resolveMx(name) gives.');
    expectSame(report.ns, ['ns1.example.test', 'ns2.example.test'], 'report.ns', 'Fill report.ns with what resolver.resolveNs(name) gives.');
    const soa = report.soa && { nsname: report.soa.nsname, hostmaster: report.soa.hostmaster, serial: report.soa.serial, refresh: report.soa.refresh, retry: report.soa.retry, expire: report.soa.expire, minttl: report.soa.minttl };
    expectSame(soa, { nsname: 'ns1.example.test', hostmaster: 'hostmaster.example.test', serial: 2024050101, refresh: 3600, retry: 600, expire: 86400, minttl: 300 }, 'report.soa', 'Fill report.soa with what resolver.resolveSoa(name) gives.');
    if (!zone.log.length) fail({ message: 'the server of the check got no questions', expected: 'queries for example.test', actual: 'none', hint: 'Ask the resolver you were given.' });
  });

  test('gives each address with its TTL [2.2]', async () => {
    const { resolver } = await setup();
    const report = expectResolved(await run('describeName', resolver, 'example.test'), 'describeName("example.test")', 'a NameReport', HINT.enodata);
    expectSame(report.a, [{ address: '192.0.2.10', ttl: 300 }, { address: '192.0.2.11', ttl: 60 }], 'report.a (address and TTL)', HINT.ttl);
    expectSame(report.aaaa, [{ address: '2001:db8::10', ttl: 3600 }], 'report.aaaa (address and TTL)', HINT.ttl);
  });

  test('joins the chunks of each TXT record into one string [2.3]', async () => {
    const { resolver } = await setup();
    const report = expectResolved(await run('describeName', resolver, 'example.test'), 'describeName("example.test")', 'a NameReport', HINT.enodata);
    expectSame(report.txt, ['v=spf1 mx -all', 'hello world'], 'report.txt of example.test (one record is the chunks "hello " and "world")', HINT.txt);
    const notes = expectResolved(await run('describeName', resolver, 'notes.example.test'), 'describeName("notes.example.test")', 'a NameReport', HINT.enodata);
    expectSame(notes.txt, [LONG_TEXT], 'report.txt of notes.example.test (one 300-character record, sent as chunks of 255 and 45)', HINT.txt);
  });

  test('gives [] and null for the types a name has no records of [2.4]', async () => {
    const { resolver } = await setup();
    const empty = { a: [], aaaa: [], mx: [], ns: [], soa: null };
    const notes = await run('describeName', resolver, 'notes.example.test');
    const report = expectResolved(notes, 'describeName("notes.example.test"), a name with only a TXT record,', 'a NameReport with empty entries', HINT.enodata);
    expectSame({ a: report.a, aaaa: report.aaaa, mx: report.mx, ns: report.ns, soa: report.soa }, empty, 'the entries of notes.example.test other than txt', HINT.enodata);
    // A name that exists only because names below it do: no records of any type.
    const tcp = expectResolved(await run('describeName', resolver, '_tcp.example.test'), 'describeName("_tcp.example.test"), a name without records of its own,', 'a NameReport with empty entries', HINT.enodata);
    expectSame({ a: tcp.a, aaaa: tcp.aaaa, mx: tcp.mx, ns: tcp.ns, txt: tcp.txt, soa: tcp.soa }, { ...empty, txt: [] }, 'the report of _tcp.example.test', HINT.enodata);
  });

  test('rejects with ENOTFOUND for a name that does not exist [2.5]', async () => {
    const { resolver } = await setup();
    expectRejected(await run('describeName', resolver, 'nope.example.test'), 'ENOTFOUND', 'describeName("nope.example.test")', HINT.rethrow);
  });

  test('rejects with the error when the server refuses to answer [2.5]', async () => {
    const { resolver } = await setup();
    // The zone server is not responsible for example.com: it answers REFUSED (EREFUSED).
    expectRejected(await run('describeName', resolver, 'example.com'), 'EREFUSED', 'describeName("example.com"), which the server refuses,', HINT.rethrow);
  });

  test('rejects when one query fails, even though the others worked [2.5]', async () => {
    const { resolver } = await setup();
    // half.example.test has A records, but the server fails on its TXT records (SERVFAIL).
    expectRejected(await run('describeName', resolver, 'half.example.test'), 'ESERVFAIL', 'describeName("half.example.test"), whose TXT query fails with SERVFAIL while its A query works,', HINT.rethrow);
  });
});

describe('Task 3: pickMailServer()', () => {
  test('picks the exchange with the lowest priority number, whatever the order [3.1]', async () => {
    // last.example.test: the best record comes last, where a loop that stops one short never looks.
    const last = [20, 30, 10].map((preference) => ({ name: 'last.example.test', type: 'MX' as const, ttl: 600, data: { preference, exchange: `mx${preference / 10}.example.test` } }));
    const { resolver } = await setupWith(last);
    const got = expectResolved(await run('pickMailServer', resolver, 'example.test'), 'pickMailServer("example.test")', '"mx1.example.test"', HINT.sortMx);
    if (got !== 'mx1.example.test') {
      const why: Record<string, string> = {
        'mx2.example.test': 'mx2 (priority 20) is the FIRST record the server sent, not the best: records come in any order.',
        'backup.example.test': 'backup (priority 40) has the HIGHEST number: the lowest number is the most preferred.',
        'mx3.example.test': 'mx3 (priority 10) comes first when "5", "10", "20", "40" are sorted as text: compare numbers.',
      };
      fail({ message: 'pickMailServer() did not pick the most preferred mail server', expected: '"mx1.example.test" (priority 5; the others have 10, 20, 40)', actual: show(String(got)), hint: why[String(got)] ?? HINT.sortMx });
    }
    const best = expectResolved(await run('pickMailServer', resolver, 'last.example.test'), 'pickMailServer("last.example.test")', '"mx1.example.test"', HINT.sortMx);
    if (best !== 'mx1.example.test') {
      const hint = best === 'mx2.example.test' || best === 'mx3.example.test' ? 'The best record (priority 10) is the LAST one the server sent: make sure your loop looks at every record, the last one included.' : HINT.sortMx;
      fail({ message: 'pickMailServer() did not pick the most preferred mail server when it comes last', expected: '"mx1.example.test" (priority 10, the last of 20, 30, 10)', actual: show(String(best)), hint });
    }
  });

  test('picks priority 0, the most preferred there is, even when it comes first [3.1]', async () => {
    const { resolver } = await setup();
    const got = expectResolved(await run('pickMailServer', resolver, 'zero.example.test'), 'pickMailServer("zero.example.test")', '"mx1.example.test"', HINT.sortMx);
    if (got !== 'mx1.example.test') {
      const hint = got === 'mx2.example.test' ? 'Priority 0 is a number like any other, and the lowest there is: a test such as !best.priority or best.priority || … takes it for "nothing yet".' : HINT.sortMx;
      fail({ message: 'pickMailServer() did not pick the record with priority 0', expected: '"mx1.example.test" (priority 0; mx2 has 10)', actual: show(String(got)), hint });
    }
  });

  test('picks one of the records that share the lowest priority [3.2]', async () => {
    const { resolver } = await setup();
    const got = expectResolved(await run('pickMailServer', resolver, 'tied.example.test'), 'pickMailServer("tied.example.test")', '"mx1.example.test" or "mx2.example.test"', HINT.sortMx);
    if (got !== 'mx1.example.test' && got !== 'mx2.example.test') {
      const both = typeof got === 'string' && got.includes('mx1.example.test') && got.includes('mx2.example.test');
      const hint = both ? 'Resolve with ONE exchange, a plain name: when several share the best priority, any one of them will do.' : HINT.sortMx;
      fail({ message: 'pickMailServer() did not pick one of the two best mail servers', expected: '"mx1.example.test" or "mx2.example.test" (both priority 10; mx3 has 30)', actual: show(String(got)), hint });
    }
  });

  test('resolves with null for a domain without MX records [3.3]', async () => {
    const { resolver } = await setup();
    const o = await run('pickMailServer', resolver, 'notes.example.test');
    const got = expectResolved(o, 'pickMailServer("notes.example.test"), a name without MX records,', 'null', HINT.enodata);
    if (got !== null) fail({ message: 'pickMailServer() should give null when the domain has no MX records', expected: 'null', actual: describeOutcome(o), hint: HINT.enodata });
  });

  test('rejects with ENOTFOUND for a domain that does not exist [3.4]', async () => {
    const { resolver } = await setup();
    expectRejected(await run('pickMailServer', resolver, 'nope.example.test'), 'ENOTFOUND', 'pickMailServer("nope.example.test")', HINT.rethrow);
  });

  test('rejects with the error when the server refuses to answer [3.4]', async () => {
    const { resolver } = await setup();
    expectRejected(await run('pickMailServer', resolver, 'example.com'), 'EREFUSED', 'pickMailServer("example.com"), which the server refuses,', HINT.rethrow);
  });
});

describe('Task 4: locateService()', () => {
  test('gives the host and port of the only record of a service [4.1]', async () => {
    const { resolver } = await setup();
    const got = expectResolved(await run('locateService', resolver, '_submission._tcp.example.test'), 'locateService("_submission._tcp.example.test")', '{ host: "smtp.example.test", port: 587 }', HINT.srv);
    expectSame(got && { host: got.host, port: got.port }, { host: 'smtp.example.test', port: 587 }, 'the service found', HINT.srv);
  });

  test('picks the lowest priority, then the highest weight, with that record\'s port [4.1, 4.2]', async () => {
    const { resolver } = await setup();
    const got = expectResolved(await run('locateService', resolver, '_sip._tcp.example.test'), 'locateService("_sip._tcp.example.test")', '{ host: "sip-a.example.test", port: 5062 }', HINT.srv);
    const hint = got?.host === 'sip-b.example.test' || got?.host === 'sip-d.example.test' ? `${got.host.split('.')[0]} has the best priority (10) but a lower weight than sip-a (60). ${HINT.srv}` : HINT.srv;
    expectSame(got && { host: got.host, port: got.port }, { host: 'sip-a.example.test', port: 5062 }, 'the service found (priorities 20, 10, 10, 30, 10; of the priority-10 ones, sip-a has the highest weight, 60)', hint);
  });

  test('compares priorities and weights as numbers: 0 is the best, 9 beats 10, weight 40 beats 5 [4.2]', async () => {
    const { resolver } = await setup();
    const cases = [
      { service: '_imap._tcp.example.test', want: { host: 'imap-a.example.test', port: 143 }, about: 'priorities 10, 9, 9; of the priority-9 ones, imap-a has weight 40, imap-b 5' },
      { service: '_kerberos._udp.example.test', want: { host: 'kdc-a.example.test', port: 88 }, about: 'kdc-a has priority 0, kdc-b 1' },
    ];
    const why: Record<string, string> = {
      'imap-c.example.test': 'imap-c has priority 10, which comes before 9 only when compared as text: compare numbers (a.priority - b.priority).',
      'imap-b.example.test': 'imap-b has weight 5, which beats 40 only when compared as text: compare numbers (b.weight - a.weight).',
      'kdc-b.example.test': 'Priority 0 is the lowest, so the best: a test such as !best.priority takes it for "nothing yet".',
    };
    for (const c of cases) {
      const got = expectResolved(await run('locateService', resolver, c.service), `locateService("${c.service}")`, asJson(c.want), HINT.srv);
      expectSame(got && { host: got.host, port: got.port }, c.want, `the service found (${c.about})`, why[String(got?.host)] ?? HINT.srv);
    }
  });

  test('picks one of the records that tie on priority and weight, with its own port [4.2]', async () => {
    const { resolver } = await setup();
    const got = expectResolved(await run('locateService', resolver, '_xmpp._tcp.example.test'), 'locateService("_xmpp._tcp.example.test")', 'xmpp1:5222 or xmpp2:5223', HINT.srv);
    const found = canonical(got && { host: got.host, port: got.port });
    if (found !== canonical({ host: 'xmpp1.example.test', port: 5222 }) && found !== canonical({ host: 'xmpp2.example.test', port: 5223 })) {
      fail({ message: 'locateService() did not pick one of the two best XMPP servers with its own port', expected: '{ host: "xmpp1.example.test", port: 5222 } or { host: "xmpp2.example.test", port: 5223 }', actual: asJson(got), hint: HINT.srv });
    }
  });

  test('rejects with ENODATA for a name without SRV records [4.3]', async () => {
    const { resolver } = await setup();
    expectRejected(await run('locateService', resolver, 'example.test'), 'ENODATA', 'locateService("example.test"), a name without SRV records,', 'Let the ENODATA error of resolveSrv() reject the promise: there is no service to return.');
  });

  test('rejects with ENOTFOUND for a service that does not exist [4.3]', async () => {
    const { resolver } = await setup();
    expectRejected(await run('locateService', resolver, '_ldap._tcp.example.test'), 'ENOTFOUND', 'locateService("_ldap._tcp.example.test")', 'Let the error of resolveSrv() reject the promise.');
  });
});

describe('Task 5: followCname()', () => {
  test('follows a chain of CNAMEs to the canonical name [5.1]', async () => {
    const { resolver } = await setup();
    const got = expectResolved(await run('followCname', resolver, 'shop.example.test'), 'followCname("shop.example.test")', 'the chain of 4 names', HINT.cname);
    if (JSON.stringify(got) !== JSON.stringify(['shop.example.test', 'www.example.test', 'web.example.test', 'app.example.test'])) {
      fail({ message: 'followCname() did not give the whole chain, in order', expected: asJson(['shop.example.test', 'www.example.test', 'web.example.test', 'app.example.test']), actual: asJson(got), hint: HINT.cname });
    }
  });

  test('follows a long chain: 11 names, hop1 to app [5.1]', async () => {
    const { resolver } = await setup();
    const want = [...Array.from({ length: 10 }, (_, i) => `hop${i + 1}.example.test`), 'app.example.test'];
    const got = expectResolved(await run('followCname', resolver, 'hop1.example.test'), 'followCname("hop1.example.test")', 'the chain of 11 names', HINT.cname);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      fail({ message: 'followCname() did not give the whole chain of 11 names, in order', expected: asJson(want), actual: asJson(got), hint: HINT.cname });
    }
  });

  test('gives [name] for a name that is no alias [5.1]', async () => {
    const { resolver } = await setup();
    const got = expectResolved(await run('followCname', resolver, 'app.example.test'), 'followCname("app.example.test"), a name without a CNAME,', '["app.example.test"]', HINT.enodata);
    if (JSON.stringify(got) !== JSON.stringify(['app.example.test'])) fail({ message: 'followCname() of a name without a CNAME should give just that name', expected: asJson(['app.example.test']), actual: asJson(got), hint: HINT.cname });
  });

  test('rejects with ENOTFOUND when an alias points to a name that does not exist [5.2]', async () => {
    const { resolver } = await setup();
    expectRejected(await run('followCname', resolver, 'dangling.example.test'), 'ENOTFOUND', 'followCname("dangling.example.test"), an alias of a name that does not exist,', 'Only ENODATA ends the chain. ENOTFOUND means the name itself does not exist: reject with it.');
  });

  test('rejects with ELOOP when the chain comes back to a name in it [5.3]', async () => {
    // ring1 -> ring2 -> ring3 -> ring1: a loop of three names, which comparing with the last one
    // or two names never notices.
    const ring = [1, 2, 3].map((i) => ({ name: `ring${i}.example.test`, type: 'CNAME' as const, ttl: 300, data: `ring${(i % 3) + 1}.example.test` }));
    const { zone, resolver } = await setupWith(ring);
    const o = await runWith({ hint: HINT.loop }, 'followCname', resolver, 'loop1.example.test');
    expectRejected(o, 'ELOOP', 'followCname("loop1.example.test"), where loop1 -> loop2 -> loop1,', HINT.loop);
    if (zone.log.length > 20) fail({ message: `followCname() asked ${zone.log.length} questions before giving up on a loop of two names`, expected: 'a rejection as soon as a name repeats', actual: `${zone.log.length} questions`, hint: HINT.loop });
    const longer = 'A loop can pass through three names or more: check whether the WHOLE chain already contains the target (chain.includes(target)), not only the last name or two.';
    const three = await runWith({ hint: longer }, 'followCname', resolver, 'ring1.example.test');
    expectRejected(three, 'ELOOP', 'followCname("ring1.example.test"), where ring1 -> ring2 -> ring3 -> ring1,', !three.resolved && codeOf(three.error) === 'ELOOP' ? HINT.loop : longer);
  });

  test('rejects with ELOOP also when the loop does not come back to the first name [5.3]', async () => {
    const { resolver } = await setup();
    const hint = 'A loop need not pass through the name you started with: check whether the WHOLE chain already contains the target (chain.includes(target)).';
    const o = await runWith({ hint }, 'followCname', resolver, 'lead.example.test');
    expectRejected(o, 'ELOOP', 'followCname("lead.example.test"), where lead -> loop1 -> loop2 -> loop1,', !o.resolved && codeOf(o.error) === 'ELOOP' ? HINT.loop : hint);
  });
});

describe('Task 6: compareLocalhost()', () => {
  test('lookup: the address the operating system gives for localhost, without asking DNS [6.1]', async () => {
    const { zone, resolver } = await setup();
    const os = (await dns.promises.lookup('localhost', { family: 4 })).address;
    const got = expectResolved(await run('compareLocalhost', resolver), 'compareLocalhost()', `{ lookup: "${os}", … }`, HINT.lookup);
    if (got?.lookup !== os) {
      const value: unknown = got?.lookup;
      const hint =
        value === '192.0.2.99'
          ? `192.0.2.99 is the DNS server's answer. ${HINT.lookup}`
          : value === '::1'
            ? "::1 is localhost's IPv6 address: without { family: 4 }, lookup() gives whichever address the system lists first. Ask with lookup('localhost', { family: 4 })."
            : typeof value === 'object' && value !== null && 'address' in value
            ? "lookup() from 'node:dns/promises' resolves with { address, family }: put its address (a string) in lookup."
            : HINT.lookup;
      fail({ message: 'the lookup address is not what the operating system gives for localhost', expected: show(os), actual: typeof value === 'string' ? show(value) : asJson(value), hint });
    }
    const other = zone.log.filter((q) => !(q.type === 'A' && q.name === 'localhost'));
    if (other.length) fail({ message: 'compareLocalhost() asked the DNS server more than A localhost', expected: 'only A localhost, from resolve4()', actual: other.map((q) => `${q.type} ${q.name}`).join(', '), hint: HINT.lookup });
  });

  test("resolve: the A records the DNS server gives for localhost [6.2]", async () => {
    const { zone, resolver } = await setup();
    const got = expectResolved(await run('compareLocalhost', resolver), 'compareLocalhost()', '{ …, resolve: ["192.0.2.99"] }', HINT.resolve4);
    expectSame(got?.resolve, ['192.0.2.99'], 'the resolve entry', Array.isArray(got?.resolve) && got.resolve.includes('127.0.0.1') ? `127.0.0.1 is the operating system's answer. ${HINT.resolve4}` : HINT.resolve4);
    if (!zone.log.some((q) => q.type === 'A' && q.name === 'localhost')) fail({ message: 'the DNS server never got the question A localhost', expected: 'A localhost', actual: 'no such question', hint: HINT.resolve4 });
  });

  test('resolve: every A record the server has for localhost, here two [6.2]', async () => {
    const { resolver } = await setupWith([{ name: 'localhost', type: 'A', ttl: 300, data: '192.0.2.98' }]);
    const want = ['192.0.2.99', '192.0.2.98'];
    const got = expectResolved(await run('compareLocalhost', resolver), 'compareLocalhost(), with a server that has two A records for localhost,', `{ …, resolve: ${asJson(want)} }`, HINT.resolve4);
    const one = Array.isArray(got?.resolve) && got.resolve.length === 1;
    expectSame(got?.resolve, want, 'the resolve entry (this server has two A records for localhost)', one ? 'Give the whole array that resolver.resolve4(\'localhost\') resolves with, not one address of it.' : HINT.resolve4);
  });
});
