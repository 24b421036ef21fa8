// Hidden tests for lesson 06: a PKI made with selfsigned, a mutual-TLS greeting server and a
// client that verifies whom it talks to, driven over loopback. Tasks 2 and 3 run against a
// throwaway PKI the harness makes per run (never the learner's), with wrong variants for the
// negative checks: a look-alike CA with the same name, another CA, self-signed, expired, and a
// certificate for another name. Under TLS 1.3 a refused client first completes its handshake,
// then is dropped: the checks look for "no greeting, and the connection closes".
// try: createPki('learner'), then createGreetingServer() with it on PORT; CERTS holds its PEM files
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import tls from 'node:tls';
import { beforeEach, describe, test } from 'vitest';
import { todoOrRethrow, useExercise } from '../harness/exercise.ts';
import { expectEqual, fail, show } from '../harness/failure.ts';
import { closedPort, listen } from '../harness/net.ts';
import { type Credentials, usePki, type Variant } from '../harness/pki.ts';
import { tlsConnect, type TlsPeer, tlsServe } from '../harness/tls.ts';
import { within } from '../harness/wait.ts';
import { signatureAlgorithm } from '../harness/x509.ts';

interface Pki {
  ca: Credentials;
  server: Credentials;
  client: Credentials;
}
interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}
interface Lesson06 {
  createPki(clientName: string): Promise<Pki>;
  createGreetingServer(files: TlsFiles): tls.Server;
  fetchGreeting(port: number, host: string, servername: string, files: TlsFiles): Promise<string>;
}

const lesson = useExercise<Lesson06>('06-tls');
const pki = usePki();
const DAY = 86_400_000;

const HINT = {
  shape: 'Resolve with { ca, server, client }, each { cert, key }: generate() gives you `cert` and `private` (the private key).',
  caFlag: "Make the CA with extensions: [{ name: 'basicConstraints', cA: true }] (without extensions, selfsigned makes a certificate that may not sign others); if you also give it a keyUsage, include keyCertSign: true.",
  signBy: 'Sign it with the CA: pass ca: { key: <the CA private key>, cert: <the CA certificate> } to generate().',
  leafNotCa: "Give the CA's basicConstraints cA: true to the CA only; the server and client certificates are not CAs.",
  san: "Add extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }] to the server certificate: clients check names there, not in the CN.",
  cn: "Use the name you were given as the client certificate's commonName: [{ name: 'commonName', value: clientName }].",
  keys: "Use keyType: 'ec' (fast and strong). RSA keys need at least 2048 bits: the 1024-bit keys of old tutorials are breakable today.",
  sha: "Pass algorithm: 'sha256' to every generate() call: selfsigned signs with SHA-1 by default, which node:tls refuses.",
  dates: "Leave the dates to selfsigned (valid for a year from now), or give notAfterDate a Date at least 30 days ahead: new Date(Date.now() + 365 * 24 * 60 * 60 * 1000).",
  serverCert: 'Pass the certificate and key you were given as cert and key in the tls.createServer() options (a server ignores a secureContext option).',
  requestCert: 'Pass requestCert: true, so the server asks every client for a certificate, and keep rejectUnauthorized: true (the default), so TLS drops clients whose certificate does not verify against ca. Never set rejectUnauthorized: false.',
  verifyByTls: "Keep rejectUnauthorized: true (the default) beside requestCert: true: then TLS itself drops every client whose certificate does not verify against ca. Checking certificates yourself is easy to get wrong: anyone can make a CA with the same name, and an expired or self-signed certificate still has a name.",
  greeting: "In the secure connection callback, read the name with socket.getPeerCertificate().subject.CN and send it with socket.end(`Hello, ${name}!\\n`).",
  anonymous: "A certificate subject without a CN has no subject.CN (it is undefined): greet that client as anonymous.",
  trustCa: 'Pass the CA certificate as ca in the tls.connect() options: it replaces the system CAs, so your client trusts the server this CA signed.',
  clientCert: 'Pass cert and key in the tls.connect() options: they are what your client shows when the server asks for a certificate.',
  servername: 'Pass servername in the tls.connect() options: it is sent as SNI and it is the name the server certificate must carry.',
  whole: "Collect every 'data' chunk (socket.setEncoding('utf8') keeps split characters intact) and resolve on 'end', when the server has finished.",
  lax: "Keep rejectUnauthorized: true (the default) and Node's checkServerIdentity: they are what refuses a certificate the CA did not sign, an expired one, or one for another name. Never turn them off.",
  keepReason: "Reject with the error object the socket's 'error' event gives you: its code says why.",
};

// ---------- Task 1: the learner's PKI -------------------------------------------------------

interface Made {
  raw: Pki;
  ca: X509Certificate;
  server: X509Certificate;
  client: X509Certificate;
}
const made = new Map<string, Promise<Made>>();

/**
 * createPki(name), parsed; fails clearly on a wrong shape. Made once per name and shared by the
 * checks of this file (an RSA PKI takes a second to make). Under `npm run mutate`, each check
 * makes its own: StrykerJS runs only the checks that executed a mutant's code, and with a
 * shared PKI that would be the first check alone.
 */
function pkiOf(name: string): Promise<Made> {
  let p = made.get(name);
  if (!p) made.set(name, (p = make(name)));
  return p;
}

async function make(name: string): Promise<Made> {
  const reply = lesson.call('createPki', name).catch((err: unknown) => todoOrRethrow('createPki', lesson.file, err));
  // RSA keys (selfsigned's default) take a while to generate on a busy machine.
  // One description for every name: after one timeout, later waits in this file are short.
  const raw = (await within(Promise.resolve(reply), 'createPki() to resolve with the PKI', { ms: 10_000, hint: `Resolve the promise once all three certificates are made (with await, or resolve()). ${HINT.keys}` })) as Pki;
  const parts = {} as Record<'ca' | 'server' | 'client', X509Certificate>;
  for (const part of ['ca', 'server', 'client'] as const) {
    const c = (raw as unknown as Record<string, Partial<Credentials> | undefined>)?.[part];
    if (typeof c?.cert !== 'string' || typeof c?.key !== 'string') {
      fail({ message: `createPki() resolved without ${part}.cert and ${part}.key as PEM text`, expected: '{ ca, server, client }, each { cert, key }', actual: show(JSON.stringify(raw) ?? String(raw)), hint: HINT.shape });
    }
    try {
      parts[part] = new X509Certificate(c.cert);
    } catch {
      fail({ message: `${part}.cert is not a PEM certificate`, expected: '-----BEGIN CERTIFICATE----- …', actual: show(c.cert), hint: HINT.shape });
    }
  }
  return { raw, ...parts };
}

const PARTS = ['ca', 'server', 'client'] as const;

function privateKey(part: string, pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    return fail({ message: `${part}.key is not a PEM private key`, expected: '-----BEGIN PRIVATE KEY----- …', actual: show(pem), hint: "generate() resolves with `private` and `public`: the key a certificate's owner keeps is `private`." });
  }
}

describe('Task 1: createPki()', () => {
  beforeEach(() => {
    if (process.env.NETLINGS_MUTATE_LESSONS) made.clear();
  });

  test('resolves with a CA, a server and a client certificate, each with its own private key [1.1]', async () => {
    const m = await pkiOf('Zoë Ångström-Lund');
    for (const part of PARTS) {
      const key = privateKey(part, m.raw[part].key);
      if (!m[part].checkPrivateKey(key)) {
        fail({ message: `${part}.key is not the private key of ${part}.cert`, expected: `the key generated with ${part}.cert`, actual: 'a key that belongs to another certificate', hint: 'Return each certificate with the `private` key from the same generate() call.' });
      }
    }
  });

  test('makes the CA a certificate authority that signed itself [1.2]', async () => {
    const { ca } = await pkiOf('Zoë Ångström-Lund');
    if (!ca.ca) fail({ message: 'the CA certificate is not marked as a CA', expected: 'basicConstraints CA:TRUE', actual: 'not a CA (no basicConstraints cA: true, or a keyUsage without keyCertSign)', hint: HINT.caFlag });
    if (ca.issuer !== ca.subject || !ca.verify(ca.publicKey)) {
      fail({ message: 'the CA certificate is not self-signed', expected: `issuer = subject (${ca.subject}), signed with its own key`, actual: `issuer ${ca.issuer}`, hint: 'Make the CA with generate() without a `ca` option: a root CA signs itself.' });
    }
  });

  for (const part of ['server', 'client'] as const) {
    test(`has the CA sign the ${part} certificate, which is not a CA itself [${part === 'server' ? '1.3' : '1.4'}]`, async () => {
      const m = await pkiOf('Zoë Ångström-Lund');
      const cert = m[part];
      if (cert.issuer !== m.ca.subject || !cert.verify(m.ca.publicKey)) {
        const actual = cert.issuer === cert.subject ? 'it is self-signed' : cert.issuer === m.ca.subject ? `its issuer is named ${cert.issuer}, but the CA's key did not sign it` : `issued by ${cert.issuer}`;
        fail({ message: `the ${part} certificate is not signed by the CA`, expected: `issued by ${m.ca.subject} and signed with the CA's key`, actual, hint: HINT.signBy });
      }
      if (cert.ca) fail({ message: `the ${part} certificate is itself a CA`, expected: 'basicConstraints CA:FALSE, or none', actual: 'CA:TRUE', hint: HINT.leafNotCa });
    });
  }

  test("names localhost and 127.0.0.1 in the server certificate's subjectAltName [1.3]", async () => {
    const { server } = await pkiOf('Zoë Ångström-Lund');
    const ok = server.checkHost('localhost', { subject: 'never' }) === 'localhost' && server.checkIP('127.0.0.1') === '127.0.0.1';
    if (!ok) fail({ message: 'the server certificate does not name both localhost and 127.0.0.1 as alternative names', expected: 'DNS:localhost, IP Address:127.0.0.1', actual: server.subjectAltName ?? 'no subjectAltName extension', hint: HINT.san });
  });

  test("puts the name it was given into the client certificate's CN, exactly [1.4]", async () => {
    // Spaces at both ends and inside, digits, '.' and '-' are all part of a name (1.4).
    for (const name of ['Zoë Ångström-Lund', 'alice', ' J.-P.  Ørsted 2 ']) {
      const { client } = await pkiOf(name);
      const cn = client.toLegacyObject().subject?.CN;
      const hint = typeof cn === 'string' && cn !== name && cn === name.trim() ? 'Use the name exactly as given, spaces at its ends included: do not trim() it.' : HINT.cn;
      expectEqual(String(cn), name, `the CN of the client certificate made by createPki(${show(name)})`, hint);
    }
  });

  test("makes keys of today's strength: EC, or RSA of at least 2048 bits [1.5]", async () => {
    const m = await pkiOf('Zoë Ångström-Lund');
    for (const part of PARTS) {
      const key = m[part].publicKey;
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (key.asymmetricKeyType === 'rsa' ? bits < 2048 : !['ec', 'ed25519', 'ed448'].includes(key.asymmetricKeyType ?? '')) {
        fail({ message: `the ${part} key is too weak`, expected: 'an EC key, or RSA with 2048 bits or more', actual: `${key.asymmetricKeyType}${bits ? ` with ${bits} bits` : ''}`, hint: HINT.keys });
      }
    }
  });

  test('signs every certificate with SHA-256 or stronger [1.6]', async () => {
    const m = await pkiOf('Zoë Ångström-Lund');
    for (const part of PARTS) {
      const { weakName } = signatureAlgorithm(m[part]);
      if (weakName) fail({ message: `the ${part} certificate is signed with ${weakName}`, expected: 'SHA-256 or stronger (e.g. ecdsa-with-SHA256)', actual: weakName, hint: HINT.sha });
    }
  });

  test('makes every certificate valid now and for at least 30 more days [1.7]', async () => {
    const m = await pkiOf('Zoë Ångström-Lund');
    const now = Date.now();
    for (const part of PARTS) {
      const from = Date.parse(m[part].validFrom);
      const to = Date.parse(m[part].validTo);
      if (!(from <= now && to >= now + 30 * DAY)) {
        fail({ message: `the ${part} certificate is not valid for the next 30 days`, expected: `valid from before now until after ${new Date(now + 30 * DAY).toUTCString()}`, actual: `valid from ${m[part].validFrom} to ${m[part].validTo}`, hint: HINT.dates });
      }
    }
  });

  test('its certificates pass a real mutual-TLS handshake: server trusted for localhost and 127.0.0.1, client trusted by the server [1.2, 1.3, 1.4, 1.6]', async () => {
    const { raw } = await pkiOf('Zoë Ångström-Lund');
    const srv = await handshakeServer(raw);
    for (const [label, options] of [
      ['localhost', { servername: 'localhost' }],
      ['127.0.0.1', {}],
    ] as const) {
      let peer: TlsPeer;
      try {
        peer = tlsConnect(srv.port, { ...options, ca: raw.ca.cert, cert: raw.client.cert, key: raw.client.key }, 'a server using your server certificate');
      } catch (err) {
        return refusedByNode('client', err);
      }
      await peer.expectSecure(`a TLS client that trusts only your CA to accept your server certificate for ${label}`, handshakeHint);
      const conn = await srv.nextConnection('the server to accept the handshake', HINT.signBy);
      if (!conn.tlsSocket.authorized) {
        fail({ message: 'a server that trusts only your CA refused your client certificate', expected: 'the client certificate verifies against the CA', actual: String(conn.tlsSocket.authorizationError), hint: HINT.signBy });
      }
    }
  });
});

/** A TLS server using the learner's server certificate and trusting the learner's CA. */
async function handshakeServer(raw: Pki) {
  try {
    return await tlsServe({ cert: raw.server.cert, key: raw.server.key, ca: raw.ca.cert, requestCert: true, rejectUnauthorized: false });
  } catch (err) {
    return refusedByNode('server', err);
  }
}

/** node:tls throws at once for a certificate it will not use (weak signature, wrong key). */
function refusedByNode(part: string, err: unknown): never {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return fail({
    message: `node:tls refused your ${part} certificate and key (${code || (err as Error).message})`,
    hint: /MD_TOO_WEAK/.test(code) ? HINT.sha : /KEY_VALUES_MISMATCH/.test(code) ? `Use the ${part} certificate with the private key generated with it.` : /KEY_TOO_SMALL/.test(code) ? HINT.keys : HINT.shape,
  });
}

/** The hint for a failed handshake with the learner's certificates, by error code. */
function handshakeHint(code: string): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return HINT.san;
  if (code === 'INVALID_CA' || code === 'UNSPECIFIED' || code === 'INVALID_PURPOSE' || code === 'UNSUPPORTED_CERTIFICATE_PURPOSE') return HINT.caFlag;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return HINT.dates;
  if (/MD_TOO_WEAK/.test(code)) return HINT.sha;
  if (/KEY_TOO_SMALL/.test(code)) return HINT.keys;
  return HINT.signBy;
}

// ---------- Task 2: the learner's greeting server ------------------------------------------

/** Per port of a learner's server: how many connections it took ('secureConnection'). */
const secureConnections = new Map<number, () => number>();

async function startGreetingServer(): Promise<number> {
  const files = { ca: await pki.caCert(), ...(await pki.server()) };
  const server = await lesson.call('createGreetingServer', files);
  if (server !== null && typeof server === 'object' && !(server instanceof tls.Server)) {
    fail({ message: 'createGreetingServer() should return a TLS server', expected: 'a server made with tls.createServer(...)', actual: (server as object).constructor?.name ?? typeof server, hint: 'Use tls.createServer(options, callback), not net.createServer.' });
  }
  // Tells "refused our certificate" from "took the connection, then dropped the greeting".
  let taken = 0;
  if (server instanceof tls.Server) server.on('secureConnection', () => taken++);
  const port = await listen(server, 'createGreetingServer()');
  secureConnections.set(port, () => taken);
  return port;
}

/** Connects to the learner's server as a client with this certificate (or none). */
async function visit(port: number, client: Credentials | undefined): Promise<TlsPeer> {
  return tlsConnect(port, { servername: 'localhost', ca: await pki.caCert(), ...(client ?? {}) });
}

/** Connects as a client whose certificate has this CN and expects the greeting, then the end. */
async function expectGreeting(port: number, cn: string | null): Promise<void> {
  const peer = await visit(port, await pki.client(cn));
  const name = cn ?? 'anonymous';
  await peer.expectSecure('the TLS handshake with your server', HINT.serverCert);
  const expected = `Hello, ${name}!\n`;
  // One description for every name: after one timeout, later waits in this file are short.
  await peer.waitForEnd('your server to send the greeting and end the connection', `Send ${show(expected)}, then end the connection: socket.end(greeting) does both.`);
  const got = peer.text();
  if (got === expected) return;
  let hint = HINT.greeting;
  if (got === '') {
    // Did the server take the connection (its secure connection callback ran), or refuse us?
    hint = !secureConnections.get(port)?.()
      ? `Your server closed the connection without a word. It must accept a client whose certificate the CA signed: pass ca (the CA certificate) in the tls.createServer() options, with requestCert: true.`
      : 'Your server took the connection (its secure connection callback ran) but closed it before the greeting arrived: socket.destroy() throws away what is still queued. Send the greeting and end with socket.end(greeting).';
  } else if (cn !== null && /undefined|anonymous/.test(got)) hint = "Your server saw no certificate: socket.getPeerCertificate() is {} unless the server asks for one. Pass requestCert: true.";
  else if (got.includes('undefined')) hint = HINT.anonymous;
  else if (got.replace(/\n?$/, '\n') === expected) hint = 'End the greeting with "\\n".';
  fail({ message: `your server's greeting for a client whose certificate says CN=${cn ?? '(none)'} was not what the protocol asks for`, expected: show(expected), actual: show(got), hint });
}

/** Connects with a certificate the server must refuse; then checks a good client is still greeted. */
async function expectRefusal(client: Credentials | undefined, who: string): Promise<void> {
  const port = await startGreetingServer();
  const peer = await visit(port, client);
  // A greeting without a name means the server never asked for a certificate.
  const hint = (received: string) => (client === undefined || /undefined|anonymous/.test(received) ? HINT.requestCert : HINT.verifyByTls);
  await peer.expectRefused(`your server to close the connection of ${who}, without a greeting`, hint);
  await expectGreeting(port, 'alice');
}

describe('Task 2: createGreetingServer()', () => {
  test('presents the server certificate it was given [2.1]', async () => {
    const port = await startGreetingServer();
    const peer = await visit(port, await pki.client('alice'));
    await peer.expectSecure('the TLS handshake with your server', HINT.serverCert);
    const presented = peer.tlsSocket.getPeerCertificate().fingerprint256;
    const given = new X509Certificate((await pki.server()).cert).fingerprint256;
    if (presented !== given) fail({ message: 'your server presented another certificate than the one it was given', expected: given, actual: String(presented), hint: HINT.serverCert });
  });

  test('greets a client by the CN of its certificate, then ends the connection [2.3]', async () => {
    await expectGreeting(await startGreetingServer(), 'alice');
  });

  test('greets each client by its own name, several at once, in any language [2.3]', async () => {
    const port = await startGreetingServer();
    await Promise.all(['Zoë Ångström-Lund', 'bob', '李小龍', 'alice'].map((name) => expectGreeting(port, name)));
  });

  test('greets a client whose certificate has no CN as anonymous [2.4]', async () => {
    await expectGreeting(await startGreetingServer(), null);
  });

  test('refuses a client without a certificate: no greeting, the connection closes [2.2]', async () => {
    await expectRefusal(undefined, 'a client that sent no certificate');
  });

  test('refuses a client whose certificate a look-alike CA with the same name signed [2.2]', async () => {
    await expectRefusal(await pki.client('mallory', 'look-alike-ca'), 'a client whose certificate a look-alike CA signed');
  });

  test('refuses a client with a self-signed certificate [2.2]', async () => {
    await expectRefusal(await pki.client('mallory', 'self-signed'), 'a client with a self-signed certificate');
  });

  test('refuses a client whose certificate has expired [2.2]', async () => {
    await expectRefusal(await pki.client('alice', 'expired'), 'a client whose certificate expired yesterday');
  });
});

// ---------- Task 3: the learner's verifying client -----------------------------------------

async function clientFiles(): Promise<TlsFiles> {
  return { ca: await pki.caCert(), ...(await pki.client('alice')) };
}

/** The hint for an unexpected rejection of fetchGreeting(), by error code. */
function rejectionHint(err: unknown, otherwise = HINT.whole): string {
  const code = String((err as NodeJS.ErrnoException)?.code ?? '');
  if (/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER/.test(code)) return HINT.trustCa;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return HINT.servername;
  if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/.test(code)) return HINT.clientCert;
  if (code === 'ENOTFOUND') return 'Connect to the host you were given; servername is only the name to expect in the certificate.';
  return otherwise;
}

/** Calls fetchGreeting() without waiting; `guard` ends any wait at once if it rejects. */
async function startFetch(port: number, servername = 'localhost', host = '127.0.0.1') {
  const reply: Promise<string> = lesson.call('fetchGreeting', port, host, servername, await clientFiles()).catch((err: unknown) => todoOrRethrow('fetchGreeting', lesson.file, err));
  reply.catch(() => {}); // handled wherever it is awaited
  // The reply, with a rejection turned into a failure that says what it means.
  const explained = reply.catch((err: unknown) => {
    if ((err as { netlings?: unknown })?.netlings) throw err;
    return fail({ message: `fetchGreeting() rejected: ${describeError(err)}`, expected: 'a completed handshake with a server the CA signed for localhost', actual: describeError(err), hint: rejectionHint(err) });
  });
  explained.catch(() => {});
  const failed = explained.then(() => new Promise<never>(() => {}));
  failed.catch(() => {});
  return {
    reply,
    guard: <T>(wait: Promise<T>): Promise<T> => Promise.race([wait, failed]),
    result: () => within(explained, 'fetchGreeting() to resolve after the server ended the connection', { hint: HINT.whole }),
  };
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return `a non-Error value: ${show(String(err))}`;
  const code = (err as NodeJS.ErrnoException).code;
  return `${code && !err.message.includes(code) ? `${code}: ` : ''}${err.message}`;
}

/** A test server with a certificate of this variant that greets "alice" unless told otherwise. */
async function testServer(variant: Variant, onConnection: (peer: TlsPeer) => void = (peer) => peer.end('Hello, alice!\n'), host?: string) {
  return tlsServe({ ...(await pki.server(variant)), ca: await pki.caCert(), requestCert: true, rejectUnauthorized: false }, onConnection, { host });
}

/** Waits for fetchGreeting() to settle and returns how; a TODO or a harness failure is rethrown. */
async function outcome(reply: Promise<string>, waitingFor: string, hint: string) {
  const o = await within(
    reply.then(
      (value) => ({ resolved: true as const, value }),
      (error: unknown) => ({ resolved: false as const, error }),
    ),
    waitingFor,
    { hint },
  );
  if (!o.resolved && (o.error as { netlings?: unknown })?.netlings) throw o.error;
  return o;
}

/** fetchGreeting() must reject with an Error that carries `code` (as its code or in its message). */
async function expectRejection(port: number, servername: string, code: string, why: string, hint: string): Promise<void> {
  const { reply } = await startFetch(port, servername);
  const o = await outcome(reply, `fetchGreeting() to reject: ${why}`, hint);
  if (o.resolved) {
    fail({ message: `fetchGreeting() resolved although ${why}`, expected: `a rejection (${code})`, actual: `resolved with ${show(o.value)}`, hint });
  }
  const err = o.error as NodeJS.ErrnoException;
  if (err instanceof Error && (err.code === code || String(err.message).includes(code))) return;
  if (err instanceof Error && typeof err.code === 'string') {
    // Another reason than this check's: most likely the handshake failed for something else.
    fail({ message: `fetchGreeting() rejected with ${err.code}, not for the reason of this check (${why})`, expected: `an Error with code ${code}`, actual: describeError(err), hint: rejectionHint(err, HINT.keepReason) });
  }
  fail({ message: `fetchGreeting() rejected, but its error does not say why (${why})`, expected: `an Error with code ${code}`, actual: describeError(err), hint: HINT.keepReason });
}

describe('Task 3: fetchGreeting()', () => {
  test('trusts the CA it was given and resolves with the whole reply once the server ends [3.2, 3.4]', async () => {
    const srv = await testServer('good');
    const f = await startFetch(srv.port);
    expectEqual(await f.result(), 'Hello, alice!\n', 'the text fetchGreeting() resolved with', HINT.whole);
  });

  test('presents the client certificate it was given [3.1]', async () => {
    const srv = await testServer('good', () => {});
    const f = await startFetch(srv.port);
    const conn = await f.guard(srv.nextConnection('your client to complete its handshake', HINT.trustCa));
    const presented = conn.tlsSocket.getPeerCertificate();
    const given = new X509Certificate((await pki.client('alice')).cert).fingerprint256;
    if (presented?.fingerprint256 !== given) {
      fail({ message: presented?.fingerprint256 ? 'your client presented another certificate than the one it was given' : 'your client presented no certificate when the server asked for one', expected: `the certificate of CN=alice (${given})`, actual: presented?.fingerprint256 ? `CN=${presented.subject?.CN} (${presented.fingerprint256})` : 'no certificate', hint: HINT.clientCert });
    }
    conn.end('Hello, alice!\n');
    await f.result();
  });

  test('sends the servername it was given as SNI [3.3]', async () => {
    const srv = await testServer('good', () => {});
    const f = await startFetch(srv.port);
    const conn = await f.guard(srv.nextConnection('your client to complete its handshake', HINT.trustCa));
    const sni = conn.tlsSocket.servername;
    if (sni !== 'localhost') fail({ message: 'your client did not send the servername it was given (SNI)', expected: '"localhost"', actual: sni ? show(sni) : 'no servername', hint: HINT.servername });
    conn.end('Hello, alice!\n');
    await f.result();
  });

  test('waits for the end of a reply that arrives in pieces, split inside UTF-8 characters [3.4]', async () => {
    const text = 'Hello, Zoë Ångström-Lund! Grüße, 李小龍 ✓ 🚀\n';
    const srv = await testServer('good', (peer) => void peer.writeInPieces(text, 1).then(() => peer.end()));
    const f = await startFetch(srv.port);
    expectEqual(await f.result(), text, 'the text fetchGreeting() resolved with (sent one byte per TLS record)', HINT.whole);
  });

  test('resolves with a 200 KB reply, which spans many TLS records [3.4]', async () => {
    const big = 'The quick brown fox jumps over the lazy dog.\n'.repeat(4_500);
    const srv = await testServer('good', (peer) => peer.end(big));
    const f = await startFetch(srv.port);
    expectEqual(await f.result(), big, 'the text fetchGreeting() resolved with', HINT.whole);
  });

  const refused: [string, Variant, string, string, string][] = [
    ['another CA signed', 'other-ca', 'localhost', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', '3.2'],
    ['a look-alike CA with the same name signed', 'look-alike-ca', 'localhost', 'CERT_SIGNATURE_FAILURE', '3.2'],
    ['nobody but itself signed (self-signed)', 'self-signed', 'localhost', 'DEPTH_ZERO_SELF_SIGNED_CERT', '3.2'],
    ['has expired', 'expired', 'localhost', 'CERT_HAS_EXPIRED', '3.2'],
    ['is for another name (other.test)', 'wrong-name', 'localhost', 'ERR_TLS_CERT_ALTNAME_INVALID', '3.3'],
    ['is for localhost while the servername is evil.test', 'good', 'evil.test', 'ERR_TLS_CERT_ALTNAME_INVALID', '3.3'],
  ];
  for (const [what, variant, servername, code, clause] of refused) {
    test(`rejects a server whose certificate ${what} (${code}) [${clause}, 3.5]`, async () => {
      const srv = await testServer(variant);
      await expectRejection(srv.port, servername, code, `the server's certificate ${what}`, HINT.lax);
    });
  }

  test('connects to the host it is given: a server only on ::1 [3.1]', async (ctx) => {
    // The test PKI's server certificate names localhost, so servername 'localhost' verifies at ::1 too.
    const srv = await testServer('good', undefined, '::1').catch(() => undefined);
    if (!srv) return ctx.skip('IPv6 loopback (::1) is not available on this machine');
    const f = await startFetch(srv.port, 'localhost', '::1');
    const o = await outcome(f.reply, 'fetchGreeting(port, "::1", "localhost", …) to resolve', 'Connect to the host you were given (tls.connect({ host, port, … })), not to a fixed address.');
    if (o.resolved) return expectEqual(o.value, 'Hello, alice!\n', 'the text fetchGreeting() resolved with, from a server on ::1', HINT.whole);
    const code = String((o.error as NodeJS.ErrnoException)?.code ?? '');
    fail({
      message: 'fetchGreeting() did not reach a server that listens only on ::1',
      expected: "a connection to host '::1' and the reply \"Hello, alice!\\n\"",
      actual: describeError(o.error),
      hint: code === 'ECONNREFUSED' ? 'Connect to the host you were given (tls.connect({ host, port, … })): nothing listens on 127.0.0.1 at that port.' : rejectionHint(o.error, 'Connect to the host you were given (tls.connect({ host, port, … })).'),
    });
  });

  test('rejects when the connection breaks after part of the reply arrived [3.4, 3.5]', async () => {
    // "Hello, al" arrives, then a record that does not decrypt: the client's TLS fails after data,
    // so a client that resolves with whatever it has on 'error' (or on 'close') shows it.
    const srv = await testServer('good', (peer) => void peer.write('Hello, al').then(() => peer.corrupt(), () => {}));
    const { reply } = await startFetch(srv.port);
    const o = await outcome(reply, 'fetchGreeting() to reject: the TLS stream broke after "Hello, al"', "Reject on 'error'; resolve only on 'end'.");
    if (o.resolved) fail({ message: 'fetchGreeting() resolved although the connection broke in the middle of the reply', expected: 'a rejection (a TLS error: bad record MAC): the server never ended the reply', actual: `resolved with ${show(o.value)}`, hint: "Reject on 'error', also when some data arrived before it; resolve only on 'end', when the server has finished." });
  });

  test('rejects when nothing listens on the port (ECONNREFUSED) [3.5]', async () => {
    await expectRejection(await closedPort(), 'localhost', 'ECONNREFUSED', 'nothing listens on that port', "Listen for 'error' on the socket and reject the promise with it.");
  });

  test('rejects when the server resets the connection instead of ending it [3.5]', async () => {
    const srv = await testServer('good', (peer) => peer.reset());
    const { reply } = await startFetch(srv.port);
    const o = await outcome(reply, 'fetchGreeting() to reject: the server reset the connection', "Reject on 'error'; resolve only on 'end'.");
    if (o.resolved) fail({ message: 'fetchGreeting() resolved although the server reset the connection', expected: 'a rejection (ECONNRESET)', actual: `resolved with ${show(o.value)}`, hint: "Resolve on 'end' (the server finished), not on 'close' (which also follows errors), and reject on 'error'." });
  });
});
