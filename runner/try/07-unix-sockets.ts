// npm run try 07: the learner's control server, started with their own listenSafely() on a
// socket file in the session's temporary folder (SOCKET). SERVER_PID is the process it runs in,
// SCRATCH a folder for the explainer's experiments with stale and over-long socket paths.
import type net from 'node:net';
import path from 'node:path';
import { closer } from './servers.ts';
import type { TryAdapter } from './types.ts';

interface Lesson07 {
  createControlServer(): net.Server;
  listenSafely(server: net.Server, socketPath: string, mode?: number): Promise<void>;
}

const start: TryAdapter = async ({ load, tmpDir }) => {
  const { createControlServer, listenSafely } = await load<Lesson07>(['createControlServer', 'listenSafely']);
  const server = createControlServer();
  const close = closer(server);
  const socket = path.join(tmpDir, 'ctl.sock');
  await listenSafely(server, socket);
  return {
    what: `your control server (createControlServer() started with listenSafely()) on ${socket}`,
    placeholders: { SOCKET: socket, SERVER_PID: String(process.pid), SCRATCH: tmpDir },
    close,
  };
};
export default start;
