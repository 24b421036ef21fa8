// The zone `example.test`, served by the local DNS server (dns-server.ts) to the checks of lesson
// 05, to `npm run try 05` and to `npm run dns-server`: one copy of the data for all three.
// `.test` is reserved for testing (RFC 2606) and 192.0.2.0/24 and 2001:db8::/32 for documentation,
// so nothing here can ever be a real name or address.
//
// Each record set is arranged to catch a mistake: MX and SRV records are listed out of order
// (a missing sort picks the wrong one), priorities 5 and 10 sort differently as text, TTLs differ
// per address, a TXT record comes in chunks, CNAMEs form a chain, a loop and a dangling link.

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'SOA' | 'SRV' | 'TXT';

export interface ZoneRecord {
  name: string;
  type: RecordType;
  ttl: number;
  /** In dns-packet's shape for the type (e.g. MX: { preference, exchange }). */
  data: unknown;
  /** The server fails every question for this name and type (SERVFAIL), as a broken zone would. */
  broken?: true;
}

export const ORIGIN = 'example.test';

/** A 300-character text: a TXT string holds at most 255 bytes, so it is stored as two chunks. */
const LONG_TEXT = 'This TXT record is longer than 255 characters, so DNS carries it as several character-strings of at most 255 bytes each. A resolver hands them to you as an array of chunks, and it is up to you to join them back into one text. '.padEnd(300, '.');

export const SOA_DATA = {
  mname: 'ns1.example.test',
  rname: 'hostmaster.example.test',
  serial: 2024050101,
  refresh: 3600,
  retry: 600,
  expire: 86400,
  minimum: 300,
};

const r = (name: string, type: RecordType, ttl: number, data: unknown): ZoneRecord => ({ name, type, ttl, data });

export const ZONE: readonly ZoneRecord[] = [
  r('example.test', 'SOA', 3600, SOA_DATA),
  r('example.test', 'NS', 86400, 'ns1.example.test'),
  r('example.test', 'NS', 86400, 'ns2.example.test'),
  r('example.test', 'A', 300, '192.0.2.10'),
  r('example.test', 'A', 60, '192.0.2.11'),
  r('example.test', 'AAAA', 3600, '2001:db8::10'),
  // Out of order on purpose: the first is not the best, the last is not the worst, and as
  // text "10" < "20" < "40" < "5".
  r('example.test', 'MX', 3600, { preference: 20, exchange: 'mx2.example.test' }),
  r('example.test', 'MX', 3600, { preference: 5, exchange: 'mx1.example.test' }),
  r('example.test', 'MX', 3600, { preference: 40, exchange: 'backup.example.test' }),
  r('example.test', 'MX', 3600, { preference: 10, exchange: 'mx3.example.test' }),
  r('example.test', 'TXT', 300, 'v=spf1 mx -all'),
  r('example.test', 'TXT', 300, ['hello ', 'world']),
  r('ns1.example.test', 'A', 86400, '192.0.2.53'),
  r('ns2.example.test', 'A', 86400, '192.0.2.54'),
  r('mx1.example.test', 'A', 300, '192.0.2.25'),
  r('mx2.example.test', 'A', 300, '192.0.2.26'),
  r('mx3.example.test', 'A', 300, '192.0.2.27'),
  r('backup.example.test', 'A', 300, '192.0.2.28'),
  // A name whose A records work but whose TXT records make the server fail (SERVFAIL).
  r('half.example.test', 'A', 300, '192.0.2.30'),
  { ...r('half.example.test', 'TXT', 300, 'unreachable'), broken: true },
  // A name with only a TXT record: every other type is "no data".
  r('notes.example.test', 'TXT', 120, [LONG_TEXT.slice(0, 255), LONG_TEXT.slice(255)]),
  // Two mail servers share the best priority.
  r('tied.example.test', 'MX', 600, { preference: 30, exchange: 'mx3.example.test' }),
  r('tied.example.test', 'MX', 600, { preference: 10, exchange: 'mx1.example.test' }),
  r('tied.example.test', 'MX', 600, { preference: 10, exchange: 'mx2.example.test' }),
  // A chain of aliases: shop -> www -> web -> app.
  r('shop.example.test', 'CNAME', 300, 'www.example.test'),
  r('www.example.test', 'CNAME', 300, 'web.example.test'),
  r('web.example.test', 'CNAME', 300, 'app.example.test'),
  r('app.example.test', 'A', 300, '192.0.2.20'),
  r('app.example.test', 'A', 300, '192.0.2.21'),
  r('app.example.test', 'AAAA', 300, '2001:db8::20'),
  // An alias loop and an alias to a name that does not exist.
  r('loop1.example.test', 'CNAME', 300, 'loop2.example.test'),
  r('loop2.example.test', 'CNAME', 300, 'loop1.example.test'),
  r('dangling.example.test', 'CNAME', 300, 'gone.example.test'),
  // An alias that leads into that loop: the loop does not come back to the first name.
  r('lead.example.test', 'CNAME', 300, 'loop1.example.test'),
  // A long chain of 11 names, hop1 -> hop2 -> … -> hop10 -> app: longer than a depth cap of 8.
  ...Array.from({ length: 10 }, (_, i) => r(`hop${i + 1}.example.test`, 'CNAME', 300, i < 9 ? `hop${i + 2}.example.test` : 'app.example.test')),
  // Services, out of order. The best is priority 10 with the highest weight: sip-a, port 5062.
  // It is neither the first nor the last record, nor the first or last of the priority-10 ones;
  // the heaviest record of all (sip-c) has a worse priority and comes after it.
  r('_sip._tcp.example.test', 'SRV', 300, { priority: 20, weight: 0, port: 5070, target: 'sip-backup.example.test' }),
  r('_sip._tcp.example.test', 'SRV', 300, { priority: 10, weight: 10, port: 5061, target: 'sip-b.example.test' }),
  r('_sip._tcp.example.test', 'SRV', 300, { priority: 10, weight: 60, port: 5062, target: 'sip-a.example.test' }),
  r('_sip._tcp.example.test', 'SRV', 300, { priority: 30, weight: 100, port: 5080, target: 'sip-c.example.test' }),
  r('_sip._tcp.example.test', 'SRV', 300, { priority: 10, weight: 20, port: 5063, target: 'sip-d.example.test' }),
  // A service with one server, on a port of its own.
  r('_submission._tcp.example.test', 'SRV', 300, { priority: 0, weight: 1, port: 587, target: 'smtp.example.test' }),
  // Two equally good XMPP servers, each on its own port.
  r('_xmpp._tcp.example.test', 'SRV', 300, { priority: 7, weight: 90, port: 5269, target: 'xmpp3.example.test' }),
  r('_xmpp._tcp.example.test', 'SRV', 300, { priority: 5, weight: 10, port: 5222, target: 'xmpp1.example.test' }),
  r('_xmpp._tcp.example.test', 'SRV', 300, { priority: 5, weight: 10, port: 5223, target: 'xmpp2.example.test' }),
  // Numbers to compare as numbers: priority 9 beats 10 (not as text), weight 40 beats 5.
  r('_imap._tcp.example.test', 'SRV', 300, { priority: 10, weight: 50, port: 1430, target: 'imap-c.example.test' }),
  r('_imap._tcp.example.test', 'SRV', 300, { priority: 9, weight: 5, port: 1431, target: 'imap-b.example.test' }),
  r('_imap._tcp.example.test', 'SRV', 300, { priority: 9, weight: 40, port: 143, target: 'imap-a.example.test' }),
  // Priority 0, the best there is, first: a scan that takes 0 for "nothing yet" moves past it.
  r('_kerberos._udp.example.test', 'SRV', 300, { priority: 0, weight: 5, port: 88, target: 'kdc-a.example.test' }),
  r('_kerberos._udp.example.test', 'SRV', 300, { priority: 1, weight: 50, port: 750, target: 'kdc-b.example.test' }),
  r('zero.example.test', 'MX', 600, { preference: 0, exchange: 'mx1.example.test' }),
  r('zero.example.test', 'MX', 600, { preference: 10, exchange: 'mx2.example.test' }),
  // Not in example.test: shows that dns.lookup() reads /etc/hosts, never this server.
  r('localhost', 'A', 300, '192.0.2.99'),
];
