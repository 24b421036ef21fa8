// Facts about a certificate that node:crypto's X509Certificate does not expose on Node 20:
// the algorithm its issuer signed it with, read from the DER encoding.
import type { X509Certificate } from 'node:crypto';

/** Signature algorithms too weak for node:tls (or anyone) today, by OID. */
const WEAK: Record<string, string> = {
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
};

/** Reads one DER tag-length header at `at`; returns where the content starts and its length. */
function header(der: Buffer, at: number): { tag: number; start: number; length: number } {
  const tag = der[at];
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i];
    start += bytes;
  }
  return { tag, start, length };
}

function oidText(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/**
 * The certificate's signatureAlgorithm (Certificate ::= SEQUENCE { tbsCertificate,
 * signatureAlgorithm, signature }): its OID, and a name if it is a weak one.
 */
export function signatureAlgorithm(cert: X509Certificate): { oid: string; weakName: string | undefined } {
  const der = cert.raw;
  const outer = header(der, 0);
  const tbs = header(der, outer.start);
  const algorithm = header(der, tbs.start + tbs.length);
  const oid = header(der, algorithm.start);
  const text = oidText(der.subarray(oid.start, oid.start + oid.length));
  return { oid: text, weakName: WEAK[text] };
}
