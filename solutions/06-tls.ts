// Reference solution for lesson 06. One correct way among many: the checks accept any
// implementation with the same behaviour.
import tls from 'node:tls';
import { generate } from 'selfsigned';

export interface Credentials {
  cert: string;
  key: string;
}
export interface Pki {
  ca: Credentials;
  server: Credentials;
  client: Credentials;
}
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export async function createPki(clientName: string): Promise<Pki> {
  // EC keys are generated in milliseconds (RSA takes far longer); SHA-256, because node:tls
  // refuses selfsigned's default SHA-1. Each certificate is valid for a year from now.
  const options = { keyType: 'ec', algorithm: 'sha256' } as const;
  // The CA: self-signed, and marked as a CA, or no verifier accepts what it signs.
  const ca = await generate([{ name: 'commonName', value: 'Netlings Learner CA' }], {
    ...options,
    extensions: [{ name: 'basicConstraints', cA: true }],
  });
  const signer = { key: ca.private, cert: ca.cert };
  // Clients check the name they connected to against the subjectAltName, never the CN.
  const server = await generate([{ name: 'commonName', value: 'Netlings server' }], {
    ...options,
    ca: signer,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  const client = await generate([{ name: 'commonName', value: clientName }], { ...options, ca: signer });
  return {
    ca: { cert: ca.cert, key: ca.private },
    server: { cert: server.cert, key: server.private },
    client: { cert: client.cert, key: client.private },
  };
}

export function createGreetingServer({ ca, cert, key }: TlsFiles): tls.Server {
  // requestCert asks each client for a certificate; rejectUnauthorized (the default, said out
  // loud here) drops any client whose certificate does not verify against `ca`, before the
  // connection callback ever runs.
  return tls.createServer({ ca, cert, key, requestCert: true, rejectUnauthorized: true }, (socket) => {
    const name = socket.getPeerCertificate().subject.CN;
    socket.end(`Hello, ${name ?? 'anonymous'}!\n`);
  });
}

export function fetchGreeting(port: number, host: string, servername: string, { ca, cert, key }: TlsFiles): Promise<string> {
  return new Promise((resolve, reject) => {
    // `ca` replaces the system's trusted CAs; `servername` is sent as SNI and is the name
    // the server's certificate must carry (Node checks it unless told not to).
    const socket = tls.connect({ port, host, servername, ca, cert, key });
    socket.setEncoding('utf8');
    let text = '';
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}
