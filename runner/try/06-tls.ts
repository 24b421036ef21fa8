// npm run try 06: the learner's PKI (createPki('learner')) written to CERTS, and the learner's
// greeting server using it on 127.0.0.1:PORT, for openssl s_client / verify / x509.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type tls from 'node:tls';
import { closer, listenOn } from './servers.ts';
import type { TryAdapter } from './types.ts';

interface Credentials {
  cert: string;
  key: string;
}
interface Lesson06 {
  createPki(clientName: string): Promise<{ ca: Credentials; server: Credentials; client: Credentials }>;
  createGreetingServer(files: { ca: string; cert: string; key: string }): tls.Server;
}

const start: TryAdapter = async ({ load, host, port, tmpDir }) => {
  const { createPki, createGreetingServer } = await load<Lesson06>(['createPki', 'createGreetingServer']);
  const pki = await createPki('learner');
  const files: Record<string, string> = {
    'ca.pem': pki.ca.cert,
    'server.pem': pki.server.cert,
    'server-key.pem': pki.server.key,
    'client.pem': pki.client.cert,
    'client-key.pem': pki.client.key,
  };
  // A final newline, so the files can be joined with cat.
  for (const [name, pem] of Object.entries(files)) writeFileSync(path.join(tmpDir, name), pem.endsWith('\n') ? pem : `${pem}\n`, { mode: 0o600 });
  const server = createGreetingServer({ ca: pki.ca.cert, ...pki.server });
  const close = closer(server);
  const actual = await listenOn(server, host, port);
  return {
    what: 'your greeting server (createGreetingServer()) with your PKI (createPki("learner"))',
    placeholders: { PORT: String(actual), CERTS: tmpDir },
    close,
  };
};
export default start;
