// A small authoritative DNS server over UDP, built with dns-packet: it answers from a zone
// (dns-zone.ts) and logs every question. The checks of lesson 05 start one per check on
// 127.0.0.1 port 0; `npm run try 05` and `npm run dns-server` start the same zone on a port you
// can give to dig. Only Node and dns-packet here (no vitest), so all three can use it.
//
// Answers follow RFC 1034 closely enough for Node's resolver and dig: CNAMEs are followed inside
// the zone and returned as a chain; a name that exists without records of the asked type gets an
// empty answer (NODATA, Node's ENODATA); a name that does not exist gets NXDOMAIN (ENOTFOUND);
// both carry the zone's SOA in the authority section. Names outside the zone are REFUSED; a record
// set marked `broken` gets SERVFAIL (Node's ESERVFAIL).
import dgram from 'node:dgram';
import { once } from 'node:events';
import dnsPacket from 'dns-packet';
import { ORIGIN, ZONE, type ZoneRecord } from './dns-zone.ts';

/** Response codes, which dns-packet takes in the low 4 bits of `flags` (its `rcode` key is ignored when encoding). */
const NOERROR = 0;
const SERVFAIL = 2;
const NXDOMAIN = 3;
const REFUSED = 5;

export interface Query {
  name: string;
  type: string;
  /** `address:port` of the client that asked. */
  from: string;
}

export interface ZoneServer {
  port: number;
  /** Every question asked, in order. */
  readonly log: Query[];
  close(): Promise<void>;
}

export interface ZoneServerOptions {
  host?: string;
  /** 0 (the default) lets the system pick a free port. */
  port?: number;
  zone?: readonly ZoneRecord[];
  /** Called for each question, after it was logged. */
  onQuery?: (query: Query) => void;
  /** Refuse every question (REFUSED): a trap for queries that should not have been asked. */
  refuseAll?: boolean;
  /** Makes the udp4 socket (the checks pass one the harness tracks). */
  createSocket?: () => dgram.Socket;
}

const lower = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** Does `name` exist in the zone: does it own records, or is it an ancestor of a name that does? */
function exists(zone: readonly ZoneRecord[], name: string): boolean {
  return zone.some((rec) => rec.name === name || rec.name.endsWith(`.${name}`));
}

const inZone = (name: string) => name === ORIGIN || name.endsWith(`.${ORIGIN}`) || name === 'localhost';

/** The answer records and the response code for one question. */
export function answer(zone: readonly ZoneRecord[], qname: string, qtype: string): { answers: ZoneRecord[]; rcode: number } {
  let name = lower(qname);
  if (!inZone(name)) return { answers: [], rcode: REFUSED };
  // A broken record set fails its own questions, and ANY, which would have to include it.
  if (zone.some((rec) => rec.broken && rec.name === name && (rec.type === qtype || qtype === 'ANY'))) return { answers: [], rcode: SERVFAIL };
  if (qtype === 'ANY') {
    const all = zone.filter((rec) => rec.name === name);
    return { answers: all, rcode: all.length || exists(zone, name) ? NOERROR : NXDOMAIN };
  }
  const answers: ZoneRecord[] = [];
  const seen = new Set<string>();
  for (;;) {
    seen.add(name);
    const direct = zone.filter((rec) => rec.name === name && rec.type === qtype);
    if (direct.length) return { answers: [...answers, ...direct], rcode: NOERROR };
    const alias = qtype === 'CNAME' ? undefined : zone.find((rec) => rec.name === name && rec.type === 'CNAME');
    if (!alias) return { answers, rcode: exists(zone, name) ? NOERROR : NXDOMAIN };
    answers.push(alias);
    name = alias.data as string;
    // A loop, or an alias that leaves the zone: the chain so far is all this server knows.
    if (seen.has(name) || !inZone(name)) return { answers, rcode: NOERROR };
  }
}

/** Encodes the response to one query packet, or undefined for a packet that is not a query. */
export function respond(zone: readonly ZoneRecord[], packet: Buffer, refuseAll = false): { response: Buffer; question?: { name: string; type: string } } | undefined {
  let query: dnsPacket.Packet;
  try {
    query = dnsPacket.decode(packet);
  } catch {
    return undefined; // not DNS: a real server would drop it too
  }
  if (query.type !== 'query') return undefined;
  const [question] = query.questions ?? [];
  const recursion = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  if (!question) {
    return { response: dnsPacket.encode({ type: 'response', id: query.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | recursion | 1 /* FORMERR */, questions: [] }) };
  }
  const qtype: string = question.type;
  const { answers, rcode } = refuseAll ? { answers: [], rcode: REFUSED } : answer(zone, question.name, qtype);
  const failed = rcode === REFUSED || rcode === SERVFAIL;
  const soa = zone.find((rec) => rec.type === 'SOA');
  const asked = qtype === 'ANY' ? answers.length > 0 : answers.some((rec) => rec.type === qtype);
  const response = dnsPacket.encode({
    type: 'response',
    id: query.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | recursion | rcode,
    questions: [question],
    answers: answers.map((rec) => ({ name: rec.name, type: rec.type, ttl: rec.ttl, class: 'IN', data: rec.data }) as dnsPacket.Answer),
    // No records of the asked type: the SOA tells resolvers how long they may remember that.
    authorities: !asked && !failed && soa ? [{ name: soa.name, type: 'SOA', ttl: soa.ttl, class: 'IN', data: soa.data } as dnsPacket.Answer] : [],
  });
  return { response, question: { name: question.name, type: question.type } };
}

/** Starts the zone server on host:port (127.0.0.1, and a port the system picks, by default). */
export async function startZoneServer(options: ZoneServerOptions = {}): Promise<ZoneServer> {
  const { host = '127.0.0.1', port = 0, zone = ZONE, onQuery, refuseAll = false, createSocket = () => dgram.createSocket('udp4') } = options;
  const log: Query[] = [];
  const socket = createSocket();
  socket.on('message', (packet: Buffer, rinfo: dgram.RemoteInfo) => {
    const result = respond(zone, packet, refuseAll);
    if (!result) return;
    if (result.question) {
      const query = { ...result.question, from: `${rinfo.address}:${rinfo.port}` };
      log.push(query);
      onQuery?.(query);
    }
    socket.send(result.response, rinfo.port, rinfo.address);
  });
  socket.bind(port, host);
  await Promise.race([once(socket, 'listening'), once(socket, 'error').then(([err]) => Promise.reject(err))]);
  return {
    port: socket.address().port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      }),
  };
}
