// A throwaway public-key infrastructure for TLS checks, made fresh in every test file, so
// fixtures never expire and nothing secret is committed. Each certificate is made on first use
// and kept for the rest of the file (EC P-256 keys: ~10–30 ms a certificate).
import { generate } from 'selfsigned';

export interface Credentials {
  cert: string;
  key: string;
}

/** The subject of the checks' CA; the look-alike CA below shares it on purpose. */
export const CA_NAME = 'Netlings Test CA';
const DAY = 86_400_000;

export interface IssueOptions {
  /** The subject's CN; null for a subject without one (only an O). */
  cn: string | null;
  /** Who signs: a CA's credentials, or nobody (self-signed). */
  signer?: Credentials;
  ca?: boolean;
  dns?: string[];
  ips?: string[];
  /** Valid from/to; the default is from a minute ago for a year. */
  from?: Date;
  to?: Date;
}

/** Issues one certificate with selfsigned: EC P-256 key, SHA-256 signature. */
export async function issue(o: IssueOptions): Promise<Credentials> {
  const from = o.from ?? new Date(Date.now() - 60_000);
  const extensions: NonNullable<Parameters<typeof generate>[1]>['extensions'] = o.ca
    ? [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ]
    : [{ name: 'basicConstraints', cA: false }];
  const altNames = [...(o.dns ?? []).map((value) => ({ type: 2 as const, value })), ...(o.ips ?? []).map((ip) => ({ type: 7 as const, ip }))];
  if (altNames.length) extensions.push({ name: 'subjectAltName', altNames });
  const pems = await generate(o.cn === null ? [{ name: 'organizationName', value: 'Netlings' }] : [{ name: 'commonName', value: o.cn }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: from,
    notAfterDate: o.to ?? new Date(from.getTime() + 365 * DAY),
    extensions,
    ...(o.signer ? { ca: o.signer } : {}),
  });
  return { cert: pems.cert, key: pems.private };
}

/** How a certificate can be wrong, for negative checks. */
export type Variant = 'good' | 'self-signed' | 'expired' | 'look-alike-ca' | 'other-ca' | 'wrong-name';

/**
 * The test file's PKI: one CA and certificates for the checks, each made on first use.
 * `look-alike-ca` is signed by a second CA with the same name as the real one (a server that
 * compares issuer names instead of verifying signatures accepts it); `other-ca` by a CA with
 * another name.
 */
export function usePki() {
  const cache = new Map<string, Promise<Credentials>>();
  const once = (key: string, make: () => Promise<Credentials>) => {
    let made = cache.get(key);
    if (!made) cache.set(key, (made = make()));
    return made;
  };
  const ca = () => once('ca', () => issue({ cn: CA_NAME, ca: true }));
  const lookAlikeCa = () => once('look-alike-ca', () => issue({ cn: CA_NAME, ca: true }));
  const otherCa = () => once('other-ca', () => issue({ cn: 'Netlings Other CA', ca: true }));
  const past = { from: new Date(Date.now() - 30 * DAY), to: new Date(Date.now() - DAY) };

  async function leaf(key: string, variant: Variant, o: Omit<IssueOptions, 'signer'>): Promise<Credentials> {
    return once(`${key}/${variant}`, async () => {
      switch (variant) {
        case 'good':
          return issue({ ...o, signer: await ca() });
        case 'self-signed':
          return issue(o);
        case 'expired':
          return issue({ ...o, ...past, signer: await ca() });
        case 'look-alike-ca':
          return issue({ ...o, signer: await lookAlikeCa() });
        case 'other-ca':
          return issue({ ...o, signer: await otherCa() });
        case 'wrong-name':
          return issue({ ...o, dns: ['other.test'], ips: [], signer: await ca() });
      }
    });
  }

  return {
    ca,
    /** The CA's certificate alone (PEM): what a peer trusts. */
    caCert: async () => (await ca()).cert,
    /** A server certificate for localhost and 127.0.0.1 (or a wrong variant). */
    server: (variant: Variant = 'good') => leaf('server', variant, { cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'] }),
    /** A client certificate with this CN (null: no CN at all), or a wrong variant. */
    client: (cn: string | null, variant: Variant = 'good') => leaf(`client:${cn}`, variant, { cn }),
  };
}

export type Pki = ReturnType<typeof usePki>;
