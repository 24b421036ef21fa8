// npm run try 03: the learner's request-then-EOF server on PORT and gatekeeper on GATE_PORT, plus,
// for contrast, the same request-then-EOF server WITHOUT allowHalfOpen on NORMAL_PORT (ours).
// compute() answers with the request reversed after 100 ms, admit() lets everyone in after
// 100 ms: both decide only after a real async step, as in the checks.
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { closer, listenOn } from './servers.ts';
import type { TryAdapter } from './types.ts';

interface Lesson03 {
  createReplyServer(compute: (request: string) => Promise<string>): net.Server;
  createGateServer(admit: (client: { address: string; port: number }) => Promise<boolean>): net.Server;
}

const compute = async (request: string) => {
  await delay(100);
  return `${[...request.replace(/\n$/, '')].reverse().join('')}\n`;
};

/** What a server without allowHalfOpen does: Node ends the socket before the answer is ready. */
function normalServer(): net.Server {
  return net.createServer((socket) => {
    socket.on('error', () => {});
    let request = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => (request += text));
    socket.on('end', async () => {
      const answer = await compute(request);
      if (!socket.destroyed) socket.write(answer); // too late: Node has ended this side already
    });
  });
}

const start: TryAdapter = async ({ load, host, port }) => {
  const m = await load<Lesson03>(['createReplyServer', 'createGateServer']);
  const reply = m.createReplyServer(compute);
  const gate = m.createGateServer(async () => {
    await delay(100);
    return true;
  });
  const normal = normalServer();
  const closers = [closer(reply), closer(gate), closer(normal)];
  const placeholders = {
    PORT: String(await listenOn(reply, host, port)),
    GATE_PORT: String(await listenOn(gate, host, 0)),
    NORMAL_PORT: String(await listenOn(normal, host, 0)),
  };
  return {
    what: 'your createReplyServer() (answering with the request reversed, after 100 ms; your createGateServer() and our reply server without allowHalfOpen run beside it)',
    placeholders,
    close: async () => void (await Promise.all(closers.map((c) => c()))),
  };
};
export default start;
