// Real HTTP clients as judges of a learner's HTTP server: Node's http module, fetch (undici) and
// curl. Nobody here wrote their parsers, and all three are strict where browsers are lenient.
// Each call has a deadline; a parse error becomes a learner-facing failure with a hint picked
// from the client's error code.
import { execFile, execFileSync } from 'node:child_process';
import http from 'node:http';
import { fail } from './failure.ts';
import { HOST } from './net.ts';
import { openSockets } from './tracking.ts';
import { within } from './wait.ts';

export interface ClientResponse {
  status: number;
  /** Header names in lower case, as the client reports them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Node's http only: the request went over a connection kept alive from an earlier one. */
  reused?: boolean;
}

/** Hints for what a real client's parser complained about, by error code or message. */
const PARSER_HINTS: Array<[RegExp, string]> = [
  [/HPE_(CR|LF)_EXPECTED|LF_EXPECTED|Missing expected (CR|LF)/i, 'End every line of the status line and headers with "\\r\\n", and the head with an empty line.'],
  [/HPE_UNEXPECTED_CONTENT_LENGTH|Duplicate Content-Length|content-length/i, 'Send exactly one Content-Length header, with the body size in bytes.'],
  [/HPE_INVALID_CONSTANT|HPE_INVALID_VERSION|HPE_INVALID_STATUS|Expected HTTP/i, 'Start the response with the status line "HTTP/1.1 <status> <reason>\\r\\n".'],
  [/HPE_INVALID_HEADER_TOKEN|Invalid header/i, 'Write each header as "Name: value\\r\\n".'],
  [/ECONNRESET|socket hang up|other side closed|SocketError|UND_ERR_SOCKET/i, 'Your server closed the connection where the client expected a response, or kept it for a next request: answer every request, and keep the connection open afterwards unless the request asked for Connection: close.'],
];

function clientFailure(client: string, what: string, err: unknown, fallbackHint: string): never {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException & { code?: string } };
  // fetch wraps the real error in `cause`.
  const inner = e?.cause ?? e;
  const said = [inner?.code, inner?.message].filter(Boolean).join(': ') || String(err);
  const hint = PARSER_HINTS.find(([pattern]) => pattern.test(said))?.[1] ?? fallbackHint;
  fail({ message: `${client} could not read ${what}`, expected: 'a response it can parse', actual: said, hint });
}

export interface NodeRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent: http.Agent;
}

/** One request with Node's own HTTP client (llhttp, strict mode). */
export async function nodeRequest(port: number, req: NodeRequest, what: string, hint: string): Promise<ClientResponse> {
  const done = new Promise<ClientResponse>((resolve, reject) => {
    const r = http.request({ host: HOST, port, method: req.method ?? 'GET', path: req.path ?? '/', headers: req.headers, agent: req.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), reused: r.reusedSocket }));
      res.on('error', reject);
    });
    // Its sockets are ours: ended and closed after the check like every other.
    r.on('socket', (socket) => openSockets.add(socket));
    r.on('error', reject);
    r.end(req.body);
  });
  return within(done, what, { hint }).catch((err: unknown) => {
    if ((err as { netlings?: unknown })?.netlings) throw err;
    return clientFailure("Node's http client", what, err, hint);
  });
}

/** A keep-alive agent with one connection, so consecutive requests share it. */
export function keepAliveAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

/**
 * One request with fetch (undici). Send `connection: close`: undici's pool may open a new
 * connection for any request and keeps idle ones open for seconds, past the check's end.
 */
export async function fetchFrom(port: number, path: string, init: RequestInit, what: string, hint: string): Promise<ClientResponse> {
  const done = (async () => {
    const res = await fetch(`http://${HOST}:${port}${path}`, init);
    const body = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: Object.fromEntries(res.headers), body };
  })();
  return within(done, what, { hint }).catch((err: unknown) => {
    if ((err as { netlings?: unknown })?.netlings) throw err;
    return clientFailure('fetch', what, err, hint);
  });
}

let curlFound: boolean | undefined;

/** Whether curl is on the PATH (checks that need it are skipped with a note otherwise). */
export function curlInstalled(): boolean {
  if (curlFound === undefined) {
    try {
      execFileSync('curl', ['--version'], { stdio: 'ignore', timeout: 5000 });
      curlFound = true;
    } catch {
      curlFound = false;
    }
  }
  return curlFound;
}

/** Runs curl with `args` (always silent, HTTP/1.1, 2 s at most) and returns what it printed. */
export async function runCurl(args: string[], what: string, hint: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('curl', ['--silent', '--show-error', '--http1.1', '--max-time', '2', ...args], { timeout: 5000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err ? Number((err as NodeJS.ErrnoException).code ?? 1) || 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
  return within(done, what, { hint });
}
