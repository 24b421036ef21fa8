// npm run try 01: the learner's SHOUT server on 127.0.0.1:PORT.
import type net from 'node:net';
import { closer, listenOn } from './servers.ts';
import type { TryAdapter } from './types.ts';

const start: TryAdapter = async ({ load, host, port }) => {
  const { createShoutServer } = await load<{ createShoutServer(): net.Server }>(['createShoutServer']);
  const server = createShoutServer();
  const close = closer(server);
  const actual = await listenOn(server, host, port);
  return { what: 'your SHOUT server (createShoutServer())', placeholders: { PORT: String(actual) }, close };
};
export default start;
