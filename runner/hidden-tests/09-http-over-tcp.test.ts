// Hidden tests for lesson 09: an HTTP/1.1 server written on `net`. Real clients (Node's http,
// fetch, curl) are the judges of the responses; a raw client checks what they forgive or hide:
// exact framing, requests split anywhere or pipelined in one chunk, malformed input, limits.
// try: createHttpServer(demoHandler) on PORT (runner/try/09-http-over-tcp.ts)
import type net from 'node:net';
import { describe, test } from 'vitest';
import { useExercise } from '../harness/exercise.ts';
import { expectEqual, fail, show } from '../harness/failure.ts';
import { RawHttp, type RawResponse } from '../harness/http.ts';
import { curlInstalled, fetchFrom, keepAliveAgent, nodeRequest, runCurl } from '../harness/http-clients.ts';
import { connect, listen } from '../harness/net.ts';

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

const lesson = useExercise<{ createHttpServer(handler: Handler): net.Server }>('09-http-over-tcp');

const HINT = {
  complete: 'Keep the bytes of each connection in a buffer; once it holds the empty line that ends the head (and Content-Length bytes after it), cut the request out, call the handler and write the response.',
  keepAlive: 'HTTP/1.1 keeps the connection open after a response (closing after each one was HTTP/1.0): only end it after a request with "Connection: close", an HTTP/1.0 request or an error.',
  pipeline: 'After answering a request, look at what is left in the buffer: the next request may already be there, in the same chunk. Loop until no complete request is left.',
  bytes: 'Content-Length counts bytes, and a body is bytes: keep Buffers (not strings) until you cut the body out, and measure a string body with Buffer.byteLength(body).',
  malformed: 'Check the request line and every header line against the contract (1.3, 1.4); when one does not fit, answer 400 with "Connection: close" and end the connection.',
  errorClose: 'After an error response (400, 413, 431, 501), add "Connection: close" and end the connection with socket.end(): what follows cannot be trusted to be a request.',
  perConnection: 'Each connection needs its own buffer: declare it inside the connection callback.',
  reset: "A client that resets makes its socket emit 'error' (ECONNRESET). Add socket.on('error', ...) to every socket the server accepts.",
};

/** Starts the learner's server with a handler that records its calls and answers with `answer`. */
async function start(answer: (req: HttpRequest) => HttpResponse = (req) => ({ status: 200, body: `${req.method} ${req.target}` })) {
  const calls: HttpRequest[] = [];
  const handler: Handler = (req) => {
    calls.push(req);
    return answer(req);
  };
  const port = await listen(await lesson.call('createHttpServer', handler), 'createHttpServer(handler)');
  return { port, calls };
}

/** A raw connection to the learner's server. */
const open = (port: number) => RawHttp.open(port, { whenClosed: HINT.keepAlive });

/** A request as raw text: the request line, headers, the empty line, the body. */
function request(line: string, headers: string[] = ['Host: example.test'], body = '', eol = '\r\n'): string {
  return [line, ...headers, ''].join(eol) + eol + body;
}

/** Headers as JSON with sorted names: the order of an object's keys is not part of the contract. */
function sorted(headers: Record<string, string> | undefined): string {
  return JSON.stringify(Object.entries(headers ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function expectStatus(res: RawResponse, status: number, what: string, hint: string) {
  if (res.status !== status) fail({ message: `${what} had the wrong status`, expected: String(status), actual: `${res.status} ${res.reason}${res.text ? `, body ${show(res.text)}` : ''}`, hint });
}

function closes(res: RawResponse) {
  return (res.header('connection') ?? '').split(',').some((t) => t.trim().toLowerCase() === 'close');
}

/** An error response: `status`, Connection: close, the connection ends, and the handler was not called. */
async function expectRefused(conn: RawHttp, calls: HttpRequest[], status: number, what: string, hint: string) {
  const before = calls.length;
  const res = await conn.response(`the ${status} response to ${what}`, hint);
  expectStatus(res, status, `the response to ${what}`, hint);
  if (!closes(res)) fail({ message: `the ${status} response to ${what} has no "Connection: close" header`, expected: '"Connection: close" in every error response', actual: show(res.headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')), hint: HINT.errorClose });
  await conn.expectEnd(`your server to end the connection after the ${status} response to ${what}, ignoring what followed`, HINT.errorClose);
  if (calls.length !== before) fail({ message: `your server called the handler for ${what}`, expected: 'no handler call for a request that gets an error response', actual: `handler called with ${calls[before].method} ${show(calls[before].target)}`, hint: hint });
}

describe('Task 1: createHttpServer(), judged by real clients', () => {
  test("Node's http client reads three responses over one kept-alive connection [1.7, 1.9]", async () => {
    const { port, calls } = await start((req): HttpResponse =>
      req.target === '/'
        ? { status: 200, headers: { 'X-Lesson': '09' }, body: 'hello over TCP\n' }
        : req.target === '/echo'
          ? { status: 201, headers: { 'Content-Type': 'application/octet-stream' }, body: req.body }
          : { status: 404, body: 'no such page\n' },
    );
    const agent = keepAliveAgent();
    const hint = 'Write "HTTP/1.1 <status> <reason>\\r\\n", each header as "Name: value\\r\\n", "Content-Length: <bytes>\\r\\n", an empty line "\\r\\n", then the body.';
    const first = await nodeRequest(port, { path: '/', agent }, 'the response to GET /', hint);
    expectEqual(`${first.status} ${first.headers['x-lesson']} ${first.body.toString()}`, '200 09 hello over TCP\n', "status, X-Lesson header and body, as Node's http client read them", hint);
    const second = await nodeRequest(port, { method: 'POST', path: '/echo', body: 'grüße, €uro', agent }, 'the response to POST /echo', hint);
    expectEqual(`${second.status} ${second.body.toString()}`, '201 grüße, €uro', 'the status and the echoed body', HINT.bytes);
    expectEqual(calls[1]?.body.toString() ?? '', 'grüße, €uro', 'the body your server handed to the handler', HINT.bytes);
    const third = await nodeRequest(port, { path: '/missing', agent }, 'the response to GET /missing', hint);
    expectEqual(`${third.status} ${third.body.toString()}`, '404 no such page\n', 'the status and body', hint);
    if (!second.reused || !third.reused) {
      fail({ message: "Node's http client could not reuse the connection for the next request", expected: 'all three requests over one connection', actual: 'a new connection for a later request: yours was closed, or announced "Connection: close"', hint: HINT.keepAlive });
    }
  });

  test('fetch reads the responses; its header names arrive in lower case [1.4, 1.7]', async () => {
    const { port, calls } = await start((req) => ({
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ got: req.headers['x-greeting'] ?? null, length: req.body.length }),
    }));
    const hint = 'Parse header names case-insensitively (fetch sends them in lower case) and answer with "Content-Length: <bytes>".';
    // fetch's pool opens connections as it likes and keeps idle ones for seconds: every request
    // says "connection: close" so that none outlives the check (Node's http and curl check keep-alive).
    const a = await fetchFrom(port, '/one', { headers: { 'X-Greeting': 'hi', connection: 'close' } }, 'the response to fetch GET /one', hint);
    expectEqual(a.body.toString(), '{"got":"hi","length":0}', 'the body fetch read (the handler saw your header "x-greeting")', 'Give the handler header names in lower case: fetch writes "x-greeting: hi".');
    const b = await fetchFrom(port, '/two', { method: 'POST', body: 'héllo wörld', headers: { connection: 'close' } }, 'the response to fetch POST /two', hint);
    expectEqual(b.body.toString(), '{"got":null,"length":13}', 'the body fetch read (13 = the bytes of "héllo wörld")', HINT.bytes);
    expectEqual(calls[1]?.headers['content-length'] ?? '(none)', '13', 'the content-length header the handler saw', 'Give the handler every header, names in lower case.');
  });

  test('curl reads two responses over one connection [1.7, 1.9]', async (ctx) => {
    const { port } = await start();
    if (!curlInstalled()) return ctx.skip('curl is not installed (Debian/Ubuntu: sudo apt-get install curl); the other checks still judge your server');
    const url = (p: string) => `http://127.0.0.1:${port}${p}`;
    const out = await runCurl(['--write-out', '\\n%{http_code} %{num_connects}\\n', url('/a'), url('/b')], 'curl to fetch /a and /b', HINT.complete);
    // num_connects: 1 for the first transfer, 0 when the second reused the connection.
    const expected = 'GET /a\n200 1\nGET /b\n200 0\n';
    const hint = out.stdout === 'GET /a\n200 1\nGET /b\n200 1\n' ? HINT.keepAlive : 'curl reads exactly Content-Length bytes of body and then expects the next response: check the status line, the headers and the Content-Length.';
    if (out.stdout !== expected) fail({ message: 'curl did not read the two responses over one connection', expected: show(expected), actual: `${show(out.stdout)}${out.stderr ? `, curl said ${show(out.stderr.trim())}` : ''}`, hint });
  });
});

describe('Task 1: createHttpServer(), reading requests', () => {
  test('hands the method, target, version, lower-case names and trimmed values to the handler [1.3, 1.4, 1.6]', async () => {
    const { port, calls } = await start();
    const conn = await open(port);
    await conn.send(request('PUT /items/42?x=1&y=%20 HTTP/1.1', ['Host: example.test:8080', 'X-Mixed-CASE:   Spaced \t Value \t ', 'X-Empty:', 'Accept:*/*', 'X-Url:http://a:1/']));
    const res = await conn.response('the response to "PUT /items/42?x=1&y=%20"', HINT.complete);
    const got = calls[0];
    if (!got) {
      fail({
        message: 'your server answered "PUT /items/42?x=1&y=%20" without calling the handler',
        expected: 'the handler called once, with the parsed request',
        actual: `no call; the response was ${res.status} ${res.reason}`,
        hint: 'Every header line here is well-formed, an empty value ("X-Empty:") and no space after the colon ("Accept:*/*", "X-Url:http://a:1/") included: hand the request to the handler.',
      });
    }
    expectEqual(`${got.method} ${got.target} ${got.version}`, 'PUT /items/42?x=1&y=%20 HTTP/1.1', 'method, target and version as the handler got them', 'Split the request line at its two spaces and pass the three parts as they are.');
    const want = { host: 'example.test:8080', 'x-mixed-case': 'Spaced \t Value', 'x-empty': '', accept: '*/*', 'x-url': 'http://a:1/' };
    const seen = sorted(got.headers);
    const hint = /[A-Z]/.test(Object.keys(got.headers ?? {}).join(''))
      ? 'Header names are case-insensitive: lower-case them (name.toLowerCase()) before handing them over.'
      : got.headers?.host === 'example.test' || Object.keys(got.headers ?? {}).some((name) => name.includes(':'))
        ? 'Split a header line at its FIRST ":" only: the value may contain colons (a host with a port, a URL), also right after the colon ("X-Url:http://a:1/").'
        : got.headers?.['x-mixed-case'] === 'spaced \t value'
          ? 'Lower-case the names only: values keep their case.'
          : got.headers?.['x-mixed-case'] === 'Spaced Value'
            ? 'Trim spaces and tabs from the two ENDS of a value only: those inside it ("Spaced \\t Value") stay as they are.'
          : 'Take the name before the first ":", trim spaces and tabs from both ends of the value (it may be empty), and keep every header.';
    expectEqual(seen, sorted(want), 'the headers the handler got', hint);
    expectEqual(got.body instanceof Buffer ? `Buffer(${got.body.length})` : typeof got.body, 'Buffer(0)', 'the body the handler got for a request without one', 'Without Content-Length the body is empty: pass Buffer.alloc(0).');
  });

  test('joins the values of a repeated header with ", " [1.4]', async () => {
    const { port, calls } = await start();
    const conn = await open(port);
    await conn.send(request('GET / HTTP/1.1', ['Host: x', 'Accept: text/plain', 'accept: text/html', 'ACCEPT: */*']));
    await conn.response('the response to a request with three Accept headers', HINT.complete);
    expectEqual(calls[0]?.headers.accept ?? '(none)', 'text/plain, text/html, */*', 'the accept header the handler got', 'When a name was seen already, append ", " and the new value instead of replacing it.');
  });

  test('reads a request that arrives one byte per chunk [1.1, 1.2]', async () => {
    const { port, calls } = await start((req) => ({ status: 200, body: req.body }));
    const conn = await open(port);
    const body = Buffer.from('héllo, wörld');
    await conn.sendInPieces(Buffer.concat([Buffer.from(request('POST /split HTTP/1.1', ['Host: x', `Content-Length: ${body.length}`])), body]), 1);
    const res = await conn.response('the response to a request sent one byte per chunk', HINT.complete);
    expectEqual(`${calls.length} ${calls[0]?.target} ${res.text}`, '1 /split héllo, wörld', 'handler calls, the target and the echoed body', HINT.complete);
  });

  test('accepts a bare "\\n" as a line end, also mixed with "\\r\\n" [1.2]', async () => {
    const { port, calls } = await start();
    const conn = await open(port);
    await conn.send('GET /bare HTTP/1.1\nHost: x\nX-A: 1\r\nX-B: 2\n\n');
    await conn.response('the response to a request whose lines end with a bare "\\n"', 'Split lines at "\\n" and drop a "\\r" right before it: the head ends at the first empty line, "\\r\\n" or "\\n".');
    expectEqual(sorted(calls[0]?.headers), sorted({ host: 'x', 'x-a': '1', 'x-b': '2' }), 'the headers the handler got', 'Drop the "\\r" before a "\\n", and only that one.');
    // The empty line and the line before it may end differently: "\n" then "\r\n", "\r\n" then "\n".
    const emptyLine = 'The head ends at the first EMPTY LINE, whichever way each line ends: after "Host: x\\n" the empty line may be "\\r\\n", after "Host: x\\r\\n" it may be "\\n". Look for a line with nothing on it, not for the bytes "\\r\\n\\r\\n" or "\\n\\n".';
    for (const raw of ['GET /lf-crlf HTTP/1.1\r\nHost: x\n\r\n', 'GET /crlf-lf HTTP/1.1\nHost: x\r\n\n']) {
      await conn.send(raw);
      const res = await conn.response(`the response to ${show(raw)}`, emptyLine);
      expectEqual(res.text, `GET ${raw.split(' ')[1]}`, `the body of the response to ${show(raw)}`, emptyLine);
    }
  });

  test('answers 400 when a "\\r" appears anywhere but before a "\\n" [1.2, 1.11]', async () => {
    const { port, calls } = await start();
    for (const [raw, what] of [
      ['GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n', 'a header value with a "\\r" inside'],
      ['GET / HTTP/1.1\r\nX-A: a\r\r\n\r\n', 'a header line ending in "\\r\\r\\n"'],
      ['GET /\r HTTP/1.1\r\nHost: x\r\n\r\n', 'a request line with a "\\r" inside'],
      ['GET / HTTP/1.1\r\n\rX-A: b\r\n\r\n', 'a header line that starts with "\\r"'],
    ]) {
      const conn = await open(port);
      await conn.send(raw + request('GET /next HTTP/1.1'));
      await expectRefused(conn, calls, 400, `${show(raw)} (${what})`, 'A "\\r" may only come right before "\\n". Anywhere else it makes the request malformed: trimming it away (String.trim() does) hides the problem.');
    }
  });

  test('answers 400 to a malformed request line, then ends the connection [1.3, 1.11]', async () => {
    const { port, calls } = await start();
    for (const line of ['GET /  HTTP/1.1', 'GET  / HTTP/1.1', ' GET / HTTP/1.1', 'GET / HTTP/1.1 ', 'GET\t/ HTTP/1.1', 'get / HTTP/1.1', 'G-T / HTTP/1.1', 'GET / http/1.1', 'GET / HTTP/2.0', 'GET / HTTP/1.10', 'GET / HTTP/1.2', 'GET / HTTP/1', 'GET /', '/ HTTP/1.1', 'GET / HTTP/1.1 extra']) {
      const conn = await open(port);
      await conn.send(request(line, ['Host: x']) + request('GET /next HTTP/1.1'));
      const hint = /HTTP\/1\.[2-9]$/.test(line) ? 'VERSION is exactly "HTTP/1.1" or "HTTP/1.0": there is no HTTP/1.2, so compare the whole text with those two, not with a pattern that takes any digit.' : HINT.malformed;
      await expectRefused(conn, calls, 400, `the request line ${show(line)}`, hint);
    }
  });

  test('answers 400 to a malformed header line [1.4, 1.11]', async () => {
    const { port, calls } = await start();
    for (const [header, eol] of [['NoColonHere', '\r\n'], ['X', '\n'], [': no-name', '\r\n'], ['Bad Name: x', '\r\n'], ['Name : x', '\r\n'], ['Name\t: x', '\r\n'], [' Folded: x', '\r\n'], ['\tTabbed: x', '\r\n']]) {
      const conn = await open(port);
      await conn.send(request('GET / HTTP/1.1', ['Host: x', header], '', eol) + request('GET /next HTTP/1.1'));
      await expectRefused(conn, calls, 400, `the header line ${show(header)}`, 'A header line is a name (not empty, no spaces or tabs), ":", then the value. Anything else is malformed: answer 400.');
    }
  });

  test('answers 400 to a Content-Length that is not plain digits [1.5, 1.11]', async () => {
    const { port, calls } = await start();
    for (const lines of [['Content-Length: -1'], ['Content-Length: 1e1'], ['Content-Length: 0x10'], ['Content-Length: 12abc'], ['Content-Length: +5'], ['Content-Length: 1.0'], ['Content-Length:'], ['Content-Length:  '], ['Content-Length: 5', 'Content-Length: 5']]) {
      const conn = await open(port);
      await conn.send(request('POST / HTTP/1.1', ['Host: x', ...lines], 'hello0123456789'));
      await expectRefused(conn, calls, 400, `a request with ${lines.map((l) => show(l)).join(' and ')}`, 'Accept a Content-Length only when its value is one or more digits 0-9 (/^\\d+$/): Number() and parseInt() accept "", "0x10", "1e1" or "12abc".');
    }
  });

  test('reads exactly Content-Length bytes of body, in this chunk or later ones [1.5, 1.6]', async () => {
    const { port, calls } = await start((req) => ({ status: 200, body: req.body }));
    const conn = await open(port);
    // Leading zeros and spaces around the value are fine; the next request starts right after.
    await conn.send(request('POST /a HTTP/1.1', ['Host: x', 'Content-Length:  007 '], 'abcdefg') + request('GET /b HTTP/1.1'));
    expectEqual((await conn.response('the response to POST /a (Content-Length "007")', HINT.pipeline)).text, 'abcdefg', 'the body echoed for POST /a', HINT.bytes);
    await conn.response('the response to GET /b, which followed the body of POST /a in the same chunk', HINT.pipeline);
    const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('€ ✓ 🚀')]);
    const head = Buffer.from(request('POST /c HTTP/1.1', ['Host: x', `Content-Length: ${binary.length}`]));
    await conn.send(Buffer.concat([head, binary.subarray(0, 100)]));
    await conn.sendInPieces(binary.subarray(100), 7);
    const res = await conn.response('the response to POST /c, whose binary body came in many chunks', HINT.complete);
    if (!calls[2]?.body.equals(binary)) {
      fail({ message: 'the handler did not get the body byte for byte', expected: `${binary.length} bytes: 0x00 to 0xff, then UTF-8 text`, actual: calls[2] ? `${calls[2].body.length} bytes${calls[2].body.length === binary.length ? ', different ones' : ''}` : 'no handler call', hint: HINT.bytes });
    }
    if (!res.body.equals(binary)) fail({ message: 'the echoed body differs from the request body', expected: `${binary.length} bytes`, actual: `${res.body.length} bytes`, hint: HINT.bytes });
  });

  test('without Content-Length the body is empty: what follows is the next request [1.5, 1.9]', async () => {
    const { port, calls } = await start();
    const conn = await open(port);
    await conn.send(request('POST /a HTTP/1.1') + request('GET /b HTTP/1.1'));
    await conn.response('the response to POST /a', HINT.complete);
    await conn.response('the response to GET /b, which came right after POST /a (no body)', HINT.pipeline);
    expectEqual(calls.map((c) => `${c.method} ${c.target} ${c.body.length}`).join(', '), 'POST /a 0, GET /b 0', 'the handler calls', HINT.pipeline);
  });

  test('answers 501 to a request with Transfer-Encoding, then ends the connection [1.5, 1.11]', async () => {
    const { port, calls } = await start();
    const chunked = '5\r\nhello\r\n0\r\n\r\n';
    // The last one also says Content-Length (the pair that request smuggling plays on): still 501.
    for (const lines of [['Transfer-Encoding: chunked'], ['TRANSFER-ENCODING: gzip, chunked'], ['Transfer-Encoding:'], [`Content-Length: ${chunked.length}`, 'Transfer-Encoding: chunked']]) {
      const conn = await open(port);
      await conn.send(request('POST /upload HTTP/1.1', ['Host: x', ...lines], chunked));
      const hint = lines.length > 1
        ? 'A request with a Transfer-Encoding header gets 501 also when it has a Content-Length too: check for transfer-encoding first, before you read a body by its Content-Length.'
        : lines[0].endsWith(':')
          ? 'The header is there, with an empty value: test whether the request HAS a transfer-encoding header (\'transfer-encoding\' in headers), not whether its value is truthy ("" is falsy).'
          : 'Look for a transfer-encoding header (any case) once the head is parsed, and answer 501 with "Connection: close".';
      await expectRefused(conn, calls, 501, `a request with ${lines.map((l) => show(l)).join(' and ')}`, hint);
    }
  });
});

describe('Task 1: createHttpServer(), limits', () => {
  test('answers 413 to a Content-Length over 1 MiB at once, without waiting for the body [1.12]', async () => {
    const { port, calls } = await start();
    const conn = await open(port);
    await conn.send(request('POST /big HTTP/1.1', ['Host: x', 'Content-Length: 1048577']));
    await expectRefused(conn, calls, 413, 'a request announcing 1048577 bytes of body (none sent)', 'Right after parsing the head, compare Content-Length with 1048576 and answer 413: never wait for (or buffer) a body that is too big.');
  });

  test('takes a body of exactly 1 MiB [1.12]', async () => {
    const { port, calls } = await start((req) => ({ status: 200, body: String(req.body.length) }));
    const conn = await open(port);
    const body = Buffer.alloc(1048576, 'x');
    await conn.send(Buffer.concat([Buffer.from(request('POST /big HTTP/1.1', ['Host: x', 'Content-Length: 1048576'])), body]));
    const res = await conn.response('the response to a request with a body of exactly 1048576 bytes', 'The limit is "over 1048576": a body of exactly 1 MiB is fine. Limit the head to 8192 bytes, not the whole buffer.');
    expectStatus(res, 200, 'the response to a 1 MiB body', 'The limit is "over 1048576": a body of exactly 1 MiB is fine.');
    expectEqual(res.text, '1048576', 'the body length the handler saw', HINT.bytes);
    expectEqual(String(calls.length), '1', 'the number of handler calls', HINT.complete);
  });

  test('answers 431 as soon as more than 8192 bytes of head arrived [1.12]', async () => {
    const { port, calls } = await start();
    const start8193 = request('GET / HTTP/1.1', ['Host: x']).slice(0, -2); // no empty line yet
    const unfinished = await open(port);
    await unfinished.send(start8193 + `X-Filler: ${'a'.repeat(8193 - start8193.length - 10)}`);
    await expectRefused(unfinished, calls, 431, 'a head that reached 8193 bytes without its empty line', 'Check the size while the head is still arriving: once more than 8192 bytes are buffered without the empty line, answer 431 straight away.');
    const complete = await open(port);
    const head = padHead(8193);
    await complete.send(head);
    await expectRefused(complete, calls, 431, 'a complete head of 8193 bytes', 'Also compare the size of a complete head (up to and including its empty line) with 8192.');
  });

  test('an unfinished head of exactly 8192 bytes is not over the limit yet: no 431 before byte 8193 [1.12, 1.13]', async () => {
    const { port, calls } = await start();
    const start8192 = request('GET / HTTP/1.1', ['Host: x']).slice(0, -2); // no empty line yet
    const conn = await open(port);
    // 8192 bytes of head, then the client ends: an unfinished request, which gets no answer.
    await conn.send(start8192 + `X-Filler: ${'a'.repeat(8192 - start8192.length - 10)}`);
    conn.end();
    const hint = 'The limit is "more than 8192 bytes": answer 431 only once byte 8193 of a head has arrived (buffer.length > 8192), not at exactly 8192.';
    await conn.expectEnd('your server to end the connection without an answer: 8192 bytes of an unfinished head, then the client ended', hint);
    if (calls.length) fail({ message: 'your server called the handler for an unfinished request', expected: 'no handler call', actual: `handler called with ${calls[0].method} ${show(calls[0].target)}`, hint: HINT.complete });
  });

  test('takes a head of exactly 8192 bytes; the limit is per request, not per chunk [1.12]', async () => {
    const { port, calls } = await start();
    const conn = await open(port);
    await conn.send(padHead(8192));
    const res = await conn.response('the response to a head of exactly 8192 bytes', 'The limit is "longer than 8192": a head of exactly 8192 bytes is fine.');
    expectStatus(res, 200, 'the response to a head of exactly 8192 bytes', 'The limit is "longer than 8192 bytes": a head of exactly 8192 bytes, empty line included, is fine.');
    // Twenty small requests in one chunk: more than 8192 bytes together, each far below.
    const many = Array.from({ length: 20 }, (_, i) => request(`GET /${i} HTTP/1.1`, ['Host: x', `X-Pad: ${'p'.repeat(500)}`])).join('');
    await conn.send(many);
    for (let i = 0; i < 20; i++) {
      const r = await conn.response(`the response to request ${i + 1} of 20 that arrived in one chunk of ${many.length} bytes`, HINT.pipeline);
      expectStatus(r, 200, `the response to request ${i + 1} of 20`, 'The 8192-byte limit is for one head: measure from the start of the current request, not the whole buffer.');
    }
    expectEqual(String(calls.length), '21', 'the number of handler calls', HINT.pipeline);
  });
});

/** A complete GET head of exactly `size` bytes, empty line included. */
function padHead(size: number): string {
  const bare = request('GET /pad HTTP/1.1', ['Host: x', 'X-Pad: ']);
  return request('GET /pad HTTP/1.1', ['Host: x', `X-Pad: ${'z'.repeat(size - bare.length)}`]);
}

describe('Task 1: createHttpServer(), responses', () => {
  test("writes the status line, the handler's headers, Content-Length and the body, lines ending in \\r\\n [1.7]", async () => {
    const { port } = await start((req): HttpResponse => (req.target === '/created' ? { status: 201, headers: { 'X-One': '1', 'Content-Type': 'text/plain' }, body: 'created\n' } : { status: 404, body: 'nope' }));
    const conn = await open(port);
    await conn.send(request('POST /created HTTP/1.1') + request('GET /other HTTP/1.1'));
    const res = await conn.response('the response to POST /created', HINT.complete);
    expectEqual(`${res.status} ${res.header('x-one')} ${res.header('content-type')} ${res.header('content-length')}`, '201 1 text/plain 8', "status, the handler's X-One and Content-Type headers, and Content-Length", "Write the handler's status, each of its headers as \"Name: value\", and Content-Length.");
    expectEqual(res.text, 'created\n', 'the body', HINT.bytes);
    // "written as given": the handler's header names keep their case on the wire.
    const names = res.headers.map(([name]) => name);
    for (const name of ['X-One', 'Content-Type']) {
      if (!names.includes(name)) {
        const asSent = names.find((n) => n.toLowerCase() === name.toLowerCase());
        fail({ message: `the handler's header ${name} is not on the wire as the handler wrote it`, expected: `a header line "${name}: …"`, actual: asSent ? `"${asSent}: …"` : `no such header (${names.join(', ')})`, hint: asSent ? "Write the handler's header names exactly as given: do not change their case." : "Write each of the handler's headers as \"Name: value\\r\\n\"." });
      }
    }
    const other = await conn.response('the response to GET /other', HINT.pipeline);
    expectEqual(`${other.status} ${other.text}`, '404 nope', 'the second status and body', 'Use the status the handler returned.');
  });

  test('counts Content-Length in bytes, not characters [1.7]', async () => {
    const text = 'héllo wörld, 3 € ✓ 🚀';
    const { port } = await start(() => ({ status: 200, body: text }));
    const conn = await open(port);
    await conn.send(request('GET /utf8 HTTP/1.1'));
    const res = await conn.response('the response to GET /utf8', HINT.bytes);
    const hint = res.header('content-length') === String(text.length) ? `Content-Length says ${text.length}, the number of UTF-16 characters (string.length); it must be the number of bytes, Buffer.byteLength(body) = ${Buffer.byteLength(text)}.` : HINT.bytes;
    expectEqual(res.text, text, 'the body, read as Content-Length bytes', hint);
  });

  test('sends a Buffer body byte for byte [1.7]', async () => {
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));
    const { port } = await start(() => ({ status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: bytes }));
    const conn = await open(port);
    await conn.send(request('GET /bytes HTTP/1.1'));
    const res = await conn.response('the response to GET /bytes', HINT.bytes);
    if (!res.body.equals(bytes)) fail({ message: 'the body is not the Buffer the handler returned', expected: `${bytes.length} bytes, 0x00 to 0xff`, actual: `${res.body.length} bytes that differ`, hint: 'Write a Buffer body as it is: turning it into a string (and back) changes bytes that are not valid UTF-8.' });
  });

  test('sends Content-Length: 0 when there is no body [1.7]', async () => {
    const { port } = await start((req): HttpResponse => (req.target === '/none' ? { status: 200 } : { status: 200, body: '' }));
    const conn = await open(port);
    await conn.send(request('GET /none HTTP/1.1') + request('GET /empty HTTP/1.1'));
    for (const what of ['the response to GET /none (no body)', 'the response to GET /empty (body "")']) {
      const res = await conn.response(what, 'Always send Content-Length, also "Content-Length: 0".');
      expectEqual(`${res.header('content-length')} ${show(res.text)}`, '0 ""', `the Content-Length and body of ${what}`, 'A missing body is an empty one: send "Content-Length: 0" and nothing after the empty line.');
    }
  });

  test('answers 500 when the handler throws, and keeps serving the connection [1.8]', async () => {
    const { port } = await start((req) => {
      if (req.target === '/boom') throw new Error('the handler failed');
      return { status: 200, body: 'fine' };
    });
    const conn = await open(port);
    await conn.send(request('GET /boom HTTP/1.1'));
    const res = await conn.response('the response to GET /boom, whose handler throws', "Call the handler inside try/catch and answer 500 when it throws.");
    expectStatus(res, 500, 'the response to GET /boom', "Call the handler inside try/catch and answer 500 when it throws.");
    await conn.send(request('GET /fine HTTP/1.1'));
    const next = await conn.response('the response to GET /fine, sent on the same connection after the 500', 'After a 500 the request was still well-formed: keep the connection open for the next one.');
    expectEqual(`${next.status} ${next.text}`, '200 fine', 'the status and body after the 500', 'After a 500 keep the connection open.');
    // A request pipelined behind the one whose handler throws is still answered, in order.
    await conn.send(request('GET /boom HTTP/1.1') + request('GET /fine HTTP/1.1'));
    const again = await conn.response('the response to GET /boom, sent in one chunk with GET /fine', "Call the handler inside try/catch and answer 500 when it throws.");
    expectStatus(again, 500, 'the response to the second GET /boom', "Call the handler inside try/catch and answer 500 when it throws.");
    const behind = await conn.response('the response to GET /fine, which came in the same chunk as GET /boom', 'After the 500, go on with what is left in the buffer: the next request may already be there.');
    expectEqual(`${behind.status} ${behind.text}`, '200 fine', 'the status and body of the request pipelined behind the one that failed', 'After the 500, go on with what is left in the buffer: the next request may already be there.');
  });
});

/**
 * Sends `raw` (then the client's end, if `end`), waits for the server to end the connection, and
 * checks that one response with all of `body` arrived first. A Peer, not RawHttp: it keeps
 * megabytes without copying them on every chunk, so this stays fast on a busy machine.
 */
async function expectBigResponse(port: number, raw: string, end: boolean, body: Buffer, what: string, hint: string) {
  const peer = await connect(port, 'your server', { allowHalfOpen: true });
  await peer.write(raw);
  if (end) peer.end();
  await peer.waitForEnd(`your server to send ${what} and end the connection`, hint);
  const got = peer.unread;
  const headEnd = got.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length: *(\d+)\r\n/i.exec(got.subarray(0, Math.max(headEnd, 0) + 2).toString('latin1'))?.[1];
  if (headEnd === -1 || length !== String(body.length)) {
    fail({ message: `${what} did not arrive as one response with Content-Length: ${body.length}`, expected: `a head with Content-Length: ${body.length}, then the body`, actual: show(got.subarray(0, 200).toString('latin1')), hint });
  }
  const received = got.length - headEnd - 4;
  if (received < body.length) {
    fail({ message: `your server ended the connection after ${received.toLocaleString('en')} of the ${body.length.toLocaleString('en')} body bytes of ${what}`, expected: `all ${body.length.toLocaleString('en')} bytes, then the end`, actual: `${received.toLocaleString('en')} bytes, then the end`, hint });
  }
  if (!got.subarray(headEnd + 4, headEnd + 4 + body.length).equals(body) || received > body.length) {
    fail({ message: `${what} arrived, but not as the handler's body alone`, expected: `${body.length} bytes`, actual: `${received} bytes that differ`, hint: HINT.bytes });
  }
}

describe('Task 1: createHttpServer(), connections', () => {
  test('keeps the connection open for the next request [1.9]', async () => {
    const { port } = await start();
    const conn = await open(port);
    for (const path of ['/one', '/two', '/three']) {
      await conn.send(request(`GET ${path} HTTP/1.1`));
      const res = await conn.response(`the response to GET ${path}, on a connection kept open`, HINT.keepAlive);
      expectEqual(res.text, `GET ${path}`, `the body for GET ${path}`, HINT.complete);
      if (closes(res)) fail({ message: `the response to GET ${path} says "Connection: close"`, expected: 'no Connection: close: the client did not ask for it', actual: show(res.header('connection') ?? ''), hint: HINT.keepAlive });
    }
  });

  test('answers pipelined requests that arrive in one chunk, in order [1.1, 1.9]', async () => {
    const { port, calls } = await start((req) => ({ status: 200, body: `${req.target}:${req.body.toString()}` }));
    const conn = await open(port);
    const bodies = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? '' : `body ${i}\r\n\r\nGET /fake HTTP/1.1`.slice(0, 5 + (i % 20))));
    await conn.send(bodies.map((b, i) => request(`POST /${i} HTTP/1.1`, ['Host: x', ...(b ? [`Content-Length: ${b.length}`] : [])], b)).join(''));
    for (let i = 0; i < 50; i++) {
      const res = await conn.response(`the response to request ${i + 1} of 50 pipelined in one chunk`, HINT.pipeline);
      expectEqual(res.text, `/${i}:${bodies[i]}`, `the body of response ${i + 1} of 50`, HINT.pipeline);
    }
    expectEqual(String(calls.length), '50', 'the number of handler calls', HINT.pipeline);
  });

  test('serves several clients at once, each with its own buffer [1.1]', async () => {
    const { port } = await start();
    const [alice, bob] = [await open(port), await open(port)];
    await alice.send('GET /alice HT');
    await bob.send('POST /b');
    await alice.send(`TP/1.1\r\nHost: x\r\n\r\n`);
    expectEqual((await alice.response("the response to alice's request, sent in two parts", HINT.perConnection)).text, 'GET /alice', "alice's body", HINT.perConnection);
    await bob.send(`ob HTTP/1.1\r\nHost: x\r\n\r\n`);
    expectEqual((await bob.response("the response to bob's request, sent in two parts around alice's", HINT.perConnection)).text, 'POST /bob', "bob's body", HINT.perConnection);
  });

  test('after "Connection: close", says so, ends the connection and ignores the rest [1.10]', async () => {
    const { port, calls } = await start();
    const conn = await open(port);
    await conn.send(request('GET /last HTTP/1.1', ['Host: x', 'Connection: close']) + request('GET /ignored HTTP/1.1'));
    const hint = 'After a request with "Connection: close", add "Connection: close" to its response, end the connection with socket.end() and stop reading requests.';
    const res = await conn.response('the response to GET /last (Connection: close)', hint);
    if (!closes(res)) fail({ message: 'the response to a request with "Connection: close" does not say "Connection: close"', expected: '"Connection: close" in the response', actual: show(res.header('connection') ?? '(no Connection header)'), hint });
    await conn.expectEnd('your server to end the connection after that response', hint);
    // A request that arrives later on the ended connection is ignored too. (A server that
    // destroyed the socket makes this write fail: that is fine.)
    await conn.send(request('GET /late HTTP/1.1')).catch(() => {});
    conn.end();
    // A round trip on another connection lets the server read those late bytes first.
    const other = await open(port);
    await other.send(request('GET /other HTTP/1.1'));
    await other.response('the response to another client', HINT.complete);
    expectEqual(calls.map((c) => c.target).join(', '), '/last, /other', 'the targets the handler got', 'Once a connection is closing, ignore every later \'data\' event on it (keep a flag, or check socket.writableEnded).');
  });

  test('finds the token "close" in the Connection header, in any case, and nothing else [1.10]', async () => {
    const { port } = await start();
    for (const value of ['Keep-Alive, CLOSE', 'upgrade,close', '\tclose ', 'close, TE']) {
      const conn = await open(port);
      await conn.send(request('GET / HTTP/1.1', ['Host: x', `Connection:${value}`]));
      const hint = value.startsWith('close,')
        ? 'Here "close" is the FIRST item of the list: split the value at "," and look at every item, trimmed and in lower case, not only the last one.'
        : 'The Connection value is a list: split it at ",", trim each item and compare it with "close" in lower case.';
      const res = await conn.response(`the response to "Connection:${value}"`, hint);
      if (!closes(res)) fail({ message: `the response to "Connection:${value}" does not say "Connection: close"`, actual: show(res.header('connection') ?? '(no Connection header)'), hint });
      await conn.expectEnd(`your server to end the connection after "Connection:${value}"`, hint);
    }
    for (const value of ['closed', 'x-close', 'keep-alive']) {
      const conn = await open(port);
      await conn.send(request('GET /a HTTP/1.1', ['Host: x', `Connection: ${value}`]) + request('GET /b HTTP/1.1'));
      const hint = `"${value}" is not the token "close": compare whole items, not substrings.`;
      const res = await conn.response(`the response to "Connection: ${value}"`, hint);
      if (closes(res)) fail({ message: `the response to "Connection: ${value}" says "Connection: close"`, expected: 'the connection kept open', actual: show(res.header('connection') ?? ''), hint });
      await conn.response(`the response to the next request after "Connection: ${value}"`, hint);
    }
  });

  test('answers HTTP/1.0 with an HTTP/1.1 status line and Connection: close, then ends [1.7, 1.10]', async () => {
    const { port, calls } = await start();
    const conn = await open(port);
    await conn.send('GET /old HTTP/1.0\r\n\r\n' + request('GET /ignored HTTP/1.0'));
    const hint = 'An HTTP/1.0 client expects the connection to close after the response: add "Connection: close" and end it. Your status line still says HTTP/1.1.';
    const res = await conn.response('the response to an HTTP/1.0 request', hint);
    if (!closes(res)) fail({ message: 'the response to an HTTP/1.0 request does not say "Connection: close"', actual: show(res.header('connection') ?? '(no Connection header)'), hint });
    await conn.expectEnd('your server to end the connection after answering HTTP/1.0', hint);
    expectEqual(calls.map((c) => `${c.target} ${c.version}`).join(', '), '/old HTTP/1.0', 'the requests the handler got', hint);
    // Any HTTP/1.0 request closes, also one that asks for keep-alive (the contract has no
    // HTTP/1.0 keep-alive).
    const alive = await open(port);
    await alive.send(request('GET /old-alive HTTP/1.0', ['Connection: keep-alive']) + request('GET /ignored HTTP/1.0'));
    const keepAliveHint = 'Close after every HTTP/1.0 request, whatever its Connection header says: add "Connection: close" and end the connection.';
    const second = await alive.response('the response to an HTTP/1.0 request with "Connection: keep-alive"', keepAliveHint);
    if (!closes(second)) fail({ message: 'the response to an HTTP/1.0 request with "Connection: keep-alive" does not say "Connection: close"', expected: '"Connection: close"', actual: show(second.header('connection') ?? '(no Connection header)'), hint: keepAliveHint });
    await alive.expectEnd('your server to end the connection after answering HTTP/1.0 with "Connection: keep-alive"', keepAliveHint);
  });

  test('answers a request that arrives with the client\'s end, then ends too [1.13]', async () => {
    const { port } = await start();
    const conn = await open(port);
    await conn.send(request('GET /bye HTTP/1.1'));
    conn.end();
    const hint = "Write the response while handling 'data' (before 'end'), and keep the default allowHalfOpen: false so Node ends your side when the client ends.";
    expectEqual((await conn.response('the response to a request sent just before the client ended its side', hint)).text, 'GET /bye', 'the body', hint);
    await conn.expectEnd('your server to end the connection after the client ended its side', hint);
  });

  test('sends all of a big response when the client ends right after its request [1.13]', async () => {
    // 8 MiB is more than the kernel takes in at once (Linux: about 4 MiB by default), so the rest
    // still waits in the socket when the client's end arrives: destroy() then cuts it short.
    const big = Buffer.alloc(8 * 1024 * 1024, 'b');
    const { port } = await start(() => ({ status: 200, body: big }));
    const hint = "A big response is still being sent when the client's end arrives. socket.destroy() throws away what is not sent yet, and so does a for await (… of socket) loop when it ends (iterate over socket.iterator({ destroyOnReturn: false }) instead). socket.end(), which allowHalfOpen: false calls for you when the client ends, sends everything first.";
    await expectBigResponse(port, request('GET /big HTTP/1.1'), true, big, 'the 8 MiB response to a request sent just before the client ended its side', hint);
  });

  test('sends all of a big response before it ends the connection after "Connection: close" [1.10]', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 'c');
    const { port } = await start(() => ({ status: 200, body: big }));
    const hint = 'End the connection with socket.end(response) (or write, then socket.end()): it closes once everything is sent. socket.destroy() right after a write throws away what the kernel has not taken yet, here part of an 8 MiB response.';
    await expectBigResponse(port, request('GET /big HTTP/1.1', ['Host: x', 'Connection: close']), false, big, 'the 8 MiB response to a request with "Connection: close"', hint);
  });

  test('ends without an answer when the client leaves in the middle of a request [1.13]', async () => {
    const { port, calls } = await start();
    for (const partial of ['GET /half HTTP/1.1\r\nHost: x\r\n', request('POST /short HTTP/1.1', ['Host: x', 'Content-Length: 10'], 'abc')]) {
      const conn = await open(port);
      await conn.send(partial);
      conn.end();
      await conn.expectEnd(`your server to end the connection without answering the unfinished ${show(partial)}`, 'An unfinished request gets no answer: when the client ends, end your side without calling the handler.');
    }
    expectEqual(String(calls.length), '0', 'the number of handler calls', 'Only call the handler once the head and the whole body have arrived.');
  });

  test('keeps serving other clients after one resets its connection [1.13]', async () => {
    const { port } = await start();
    const rude = await open(port);
    await rude.send(request('GET /rude HTTP/1.1'));
    await rude.response('the response to GET /rude', HINT.complete);
    rude.reset();
    const polite = await open(port);
    await polite.send(request('GET /polite HTTP/1.1'));
    expectEqual((await polite.response('the response to a new client after another reset its connection', HINT.reset)).text, 'GET /polite', 'the body', HINT.reset);
  });
});
