// Reference solution for lesson 09. One correct way among many: the checks accept any
// implementation with the same behaviour.
import { STATUS_CODES } from 'node:http';
import net from 'node:net';

export interface HttpRequest {
  method: string;
  target: string;
  version: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Handler = (request: HttpRequest) => HttpResponse;

const MAX_HEAD = 8192;
const MAX_BODY = 1024 * 1024;

/** The head's end: the index just past the empty line, or -1 while it has not arrived. */
function headEnd(buffer: Buffer): number {
  let start = 0;
  let newline: number;
  while ((newline = buffer.indexOf(0x0a, start)) !== -1) {
    // An empty line is "\n" alone or "\r\n".
    if (newline === start || (newline === start + 1 && buffer[start] === 0x0d)) return newline + 1;
    start = newline + 1;
  }
  return -1;
}

type Parsed = { request: Omit<HttpRequest, 'body'>; length: number } | { error: number };

/** Parses a complete head (without its empty line); an error is the status to answer with. */
function parseHead(head: string): Parsed {
  // The last two items are the empty line and the nothing after its line end.
  const lines = head.split('\n').slice(0, -2).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.some((line) => line.includes('\r'))) return { error: 400 };
  const start = /^([A-Z]+) ([^ ]+) (HTTP\/1\.[01])$/.exec(lines[0]);
  if (!start) return { error: 400 };
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const m = /^([^:\s]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!m) return { error: 400 };
    const name = m[1].toLowerCase();
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${m[2]}` : m[2];
  }
  if ('transfer-encoding' in headers) return { error: 501 };
  let length = 0;
  if ('content-length' in headers) {
    if (!/^\d+$/.test(headers['content-length'])) return { error: 400 };
    length = Number(headers['content-length']);
    if (length > MAX_BODY) return { error: 413 };
  }
  return { request: { method: start[1], target: start[2], version: start[3], headers }, length };
}

function response(status: number, headers: Record<string, string>, body: string | Buffer, close: boolean): Buffer {
  const bytes = Buffer.from(body); // a string as UTF-8; a Buffer is copied as it is
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${bytes.length}\r\n`;
  if (close) head += 'Connection: close\r\n';
  return Buffer.concat([Buffer.from(`${head}\r\n`), bytes]);
}

/** An error response: a short text body (any body would do), then the connection closes. */
function refusal(status: number): Buffer {
  return response(status, {}, `${status} ${STATUS_CODES[status]}\n`, true);
}

function wantsClose(request: Omit<HttpRequest, 'body'>): boolean {
  if (request.version === 'HTTP/1.0') return true;
  const connection = request.headers.connection;
  return connection !== undefined && connection.split(',').some((token) => token.trim().toLowerCase() === 'close');
}

export function createHttpServer(handler: Handler): net.Server {
  return net.createServer((socket) => {
    // A client that resets emits 'error'; without a listener it would crash the server.
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let closed = false;

    const finish = (bytes: Buffer) => {
      closed = true;
      socket.end(bytes);
    };

    socket.on('data', (chunk: Buffer) => {
      if (closed) return;
      buffer = Buffer.concat([buffer, chunk]);
      // Answer every complete request in the buffer, in order (pipelining).
      for (;;) {
        const end = headEnd(buffer);
        if (end === -1 ? buffer.length > MAX_HEAD : end > MAX_HEAD) return finish(refusal(431));
        if (end === -1) return;
        const parsed = parseHead(buffer.subarray(0, end).toString('latin1'));
        if ('error' in parsed) return finish(refusal(parsed.error));
        if (buffer.length < end + parsed.length) return; // the body is still on its way
        const body = Buffer.from(buffer.subarray(end, end + parsed.length));
        buffer = buffer.subarray(end + parsed.length);
        const close = wantsClose(parsed.request);
        let answer: Buffer;
        try {
          const r = handler({ ...parsed.request, body });
          answer = response(r.status, r.headers ?? {}, r.body ?? '', close);
        } catch {
          answer = response(500, {}, 'Internal Server Error\n', close);
        }
        if (close) return finish(answer);
        socket.write(answer);
      }
    });
  });
}
