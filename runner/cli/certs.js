// `npm run certs [-- "client name"]`: a small PKI in certs/ for trying TLS by hand (openssl,
// your own programs): a CA, a server certificate for localhost and 127.0.0.1, and a client
// certificate. Made with selfsigned, as the lesson teaches; certs/README.md explains each file.
// The files are git-ignored: they hold private keys, and they expire.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/course.js';
import { bold, dim } from '../report/style.js';

export const CERTS_DIR = path.join(ROOT, 'certs');
export const DEFAULT_CLIENT = 'learner';
/** What a client name may hold: selfsigned writes the subject as "CN=<name>", so no , = + etc. */
const NAME = /^[\p{L}\p{N} .-]{1,64}$/u;

/**
 * @typedef {object} PkiFile
 * @property {string} name      e.g. `ca.pem`
 * @property {string} pem
 * @property {string} about     one line for the listing
 * @property {boolean} secret   a private key: readable by its owner only
 */

/**
 * Makes the PKI: EC P-256 keys, SHA-256 signatures (selfsigned's default, SHA-1, is refused by
 * node:tls), valid for a year.
 * @param {string} clientName  the client certificate's CN
 * @returns {Promise<PkiFile[]>}
 */
export async function makePki(clientName) {
  const { generate } = await import('selfsigned');
  const base = /** @type {const} */ ({ keyType: 'ec', algorithm: 'sha256' });
  const ca = await generate([{ name: 'commonName', value: 'Netlings Local CA' }], {
    ...base,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const signer = { key: ca.private, cert: ca.cert };
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...base,
    ca: signer,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const client = await generate([{ name: 'commonName', value: clientName }], {
    ...base,
    ca: signer,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  // selfsigned's certificates end without a newline; files that end with one can be joined with cat.
  const nl = (/** @type {string} */ pem) => (pem.endsWith('\n') ? pem : `${pem}\n`);
  return [
    { name: 'ca.pem', pem: nl(ca.cert), about: 'the CA certificate: what both sides trust (-CAfile, ca)', secret: false },
    { name: 'ca-key.pem', pem: nl(ca.private), about: 'the CA private key: signs certificates; never leaves this folder', secret: true },
    { name: 'server.pem', pem: nl(server.cert), about: 'the server certificate, for localhost and 127.0.0.1, signed by the CA', secret: false },
    { name: 'server-key.pem', pem: nl(server.private), about: "the server's private key", secret: true },
    { name: 'client.pem', pem: nl(client.cert), about: `the client certificate, CN=${clientName}, signed by the CA`, secret: false },
    { name: 'client-key.pem', pem: nl(client.private), about: "the client's private key", secret: true },
  ];
}

/**
 * Writes the PKI into `dir` (made if missing), replacing earlier files; private keys get mode 600.
 * @param {string} dir
 * @param {string} clientName
 */
export async function writePki(dir, clientName) {
  const files = await makePki(clientName);
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const file = path.join(dir, f.name);
    writeFileSync(file, f.pem);
    chmodSync(file, f.secret ? 0o600 : 0o644); // also when the file existed with another mode
  }
  return files;
}

/** @param {string[]} argv  optional: the client's name */
export async function certs(argv) {
  const clientName = argv.join(' ').trim() || DEFAULT_CLIENT;
  if (!NAME.test(clientName)) {
    console.error(`netlings certs: a client name is 1 to 64 letters, digits, spaces, "." or "-", not ${JSON.stringify(clientName)}`);
    return 2;
  }
  const files = await writePki(CERTS_DIR, clientName);
  const shown = path.relative(process.cwd(), CERTS_DIR) || '.';
  const lines = [bold(`A new PKI in ${shown}/ (valid for a year; run npm run certs again for a fresh one):`), ''];
  for (const f of files) lines.push(`  ${f.name.padEnd(15)} ${dim(f.about)}`);
  lines.push('', `Look inside: ${bold(`openssl x509 -in ${shown}/server.pem -noout -text`)}`);
  lines.push(`What each file is, and the same made with openssl: ${shown}/README.md`);
  console.log(lines.join('\n'));
  return 0;
}
