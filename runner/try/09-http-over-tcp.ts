// npm run try 09: the learner's HTTP server on 127.0.0.1:PORT, with a small demo handler that
// the explainer's commands talk to: GET / greets, POST /echo echoes the body, GET /headers lists
// the headers as the handler received them, anything else is 404.
import type net from 'node:net';
import { closer, listenOn } from './servers.ts';
import type { TryAdapter } from './types.ts';

interface HttpRequest {
  method: string;
  target: string;
  version: string;
  headers: Record<string, string>;
  body: Buffer;
}
interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}
type Handler = (request: HttpRequest) => HttpResponse;

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

export function demoHandler(req: HttpRequest): HttpResponse {
  if (req.method === 'GET' && req.target === '/') return { status: 200, headers: TEXT, body: 'Hello over TCP!\n' };
  if (req.method === 'POST' && req.target === '/echo') return { status: 200, headers: TEXT, body: req.body };
  if (req.method === 'GET' && req.target === '/headers') {
    return { status: 200, headers: TEXT, body: Object.entries(req.headers).map(([name, value]) => `${name}: ${value}\n`).join('') };
  }
  return { status: 404, headers: TEXT, body: `No page at ${req.target}\n` };
}

const start: TryAdapter = async ({ load, host, port }) => {
  const { createHttpServer } = await load<{ createHttpServer(handler: Handler): net.Server }>(['createHttpServer']);
  const server = createHttpServer(demoHandler);
  const close = closer(server);
  const actual = await listenOn(server, host, port);
  return { what: 'your HTTP server (createHttpServer()) with the demo handler: GET /, POST /echo, GET /headers', placeholders: { PORT: String(actual) }, close };
};
export default start;
