// Lesson 06 · TLS: certificates, a CA of your own, and mutual TLS
// Read the explainer first: `npm run learn` (or lessons/06-tls.md).
// Check your work with `npm run verify 06`. Stuck? `npm run hint 06`.
import tls from 'node:tls';
import { generate } from 'selfsigned';

/** A certificate and its private key, both PEM text. */
export interface Credentials {
  cert: string;
  key: string;
}

/** A small public-key infrastructure: a CA and two certificates it signed. */
export interface Pki {
  ca: Credentials;
  server: Credentials;
  client: Credentials;
}

/** What one side of a mutual-TLS connection needs: whom to trust, and who it is. */
export interface TlsFiles {
  /** The CA certificate (PEM) to trust. */
  ca: string;
  /** This side's own certificate (PEM). */
  cert: string;
  /** This side's private key (PEM). */
  key: string;
}

/**
 * Task 1 — a PKI of your own, made with `selfsigned` (`generate()`, which returns a promise).
 *
 * `clientName` is 1 to 64 characters: letters of any language, digits, spaces, `.` and `-`.
 *
 * 1.1 Resolve with `{ ca, server, client }`, each `{ cert, key }`: `cert` a PEM certificate,
 *     `key` the PEM PRIVATE key that belongs to that certificate (not the public key).
 * 1.2 `ca.cert` is a certificate authority: self-signed (it is its own issuer and its signature
 *     verifies with its own key), with the basicConstraints extension `cA: true`. If you also
 *     set keyUsage, include `keyCertSign`. A peer that trusts only `ca.cert` must accept the
 *     server and client certificates below.
 * 1.3 `server.cert` is issued and signed by the CA, is not a CA itself, and names `localhost`
 *     (a DNS name) and `127.0.0.1` (an IP address) in its subjectAltName extension, so a
 *     client that checks the name accepts it whether it connected to localhost or 127.0.0.1.
 * 1.4 `client.cert` is issued and signed by the CA, is not a CA itself, and its subject's
 *     common name (CN) is exactly `clientName`.
 * 1.5 Keys of today's strength: EC (P-256 or larger; fast), or RSA of at least 2048 bits.
 * 1.6 Every certificate is signed with SHA-256 or stronger (`algorithm: 'sha256'`):
 *     selfsigned's default, SHA-1, is refused by node:tls.
 * 1.7 Every certificate is valid now and for at least the next 30 days.
 */
export async function createPki(clientName: string): Promise<Pki> {
  // TODO: three calls to generate(): the CA (self-signed), then the server and client
  // certificates, each signed by passing `ca: { key, cert }` of the CA.
  throw new Error('TODO: implement createPki() in exercises/06-tls.ts');
}

/**
 * Task 2 — a greeting server that knows its clients by their certificates (mutual TLS).
 *
 * Return a TLS server (from `tls.createServer`) that is NOT listening yet: the checks call
 * `listen()` on it themselves, on 127.0.0.1 with a port the system picks.
 *
 * 2.1 It presents `cert` (with `key`) as its own certificate.
 * 2.2 It asks every client for a certificate and accepts only certificates that verify against
 *     `ca`: signed by that CA (not merely by one with the same name) and not expired. A client
 *     with no certificate or one that does not verify never receives anything, and its
 *     connection is closed. (Under TLS 1.3 such a client may see its handshake complete first,
 *     then the server drops it.)
 * 2.3 To every accepted client, send `Hello, <CN>!\n`, where <CN> is the common name of that
 *     client's certificate subject, exactly (UTF-8, any language), then end the connection.
 * 2.4 A client certificate that verifies but has no CN in its subject is greeted
 *     `Hello, anonymous!\n`, then the connection ends.
 *
 * Many clients may connect at once; each is greeted by its own name.
 */
export function createGreetingServer(files: TlsFiles): tls.Server {
  // TODO: tls.createServer({ ...options }, (socket) => { ... }) and return it.
  throw new Error('TODO: implement createGreetingServer() in exercises/06-tls.ts');
}

/**
 * Task 3 — a client that checks whom it is talking to.
 *
 * Connect with TLS to `host`:`port` and resolve with everything the server sends.
 *
 * 3.1 Connect to `host` as given (an IPv4 or IPv6 address such as `127.0.0.1` or `::1`), and
 *     present `cert` (with `key`) as your client certificate.
 * 3.2 Trust `ca` to vouch for the server: accept only a server certificate that verifies
 *     against it (signed by that CA, not merely by one with the same name; not expired; not
 *     self-signed).
 * 3.3 Expect the server's certificate to be for `servername` (a host name such as `localhost`;
 *     `host` may be an IP address) and send `servername` in the handshake (SNI). A certificate
 *     for another name must be refused, even if the CA signed it.
 * 3.4 Resolve with everything the server sent, decoded as UTF-8, once the server has ended the
 *     connection (not before: a reply can arrive in many pieces).
 * 3.5 Reject with an Error when the server's certificate is refused (3.2, 3.3), when nothing
 *     listens on the port, or when the connection breaks. Keep Node's reason: reject with the
 *     error node:tls gives you, whose `code` names it (e.g. `CERT_HAS_EXPIRED`,
 *     `ERR_TLS_CERT_ALTNAME_INVALID`, `ECONNREFUSED`), or an Error whose message contains that
 *     code. Never resolve in these cases.
 *
 * Example, against your server of task 2 with your PKI of task 1:
 *   await fetchGreeting(port, '127.0.0.1', 'localhost', { ca: pki.ca.cert, ...pki.client })
 *   // → 'Hello, <clientName>!\n'
 */
export function fetchGreeting(port: number, host: string, servername: string, files: TlsFiles): Promise<string> {
  // TODO: tls.connect({ ... }), collect what arrives, settle the promise on 'end' or 'error'.
  throw new Error('TODO: implement fetchGreeting() in exercises/06-tls.ts');
}
