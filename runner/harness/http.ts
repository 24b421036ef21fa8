// A raw HTTP/1.1 client over one TCP connection, for checks that must see the exact bytes a
// learner's server sends: real clients forgive some mistakes and hide others (a wrong
// Content-Length only shows up in the NEXT response on the connection). It reads responses in
// order, whatever the chunking, and parses each one strictly by the lesson's contract.
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LessonFailure, fail, show } from './failure.ts';
import { HOST } from './net.ts';
import { openSockets } from './tracking.ts';
import { until, within } from './wait.ts';

export interface RawResponse {
  status: number;
  reason: string;
  /** Header lines as sent, in order. */
  headers: Array<[name: string, value: string]>;
  /** A header's value, by name in any case; repeated headers joined with ", ". */
  header(name: string): string | undefined;
  body: Buffer;
  /** The body decoded as UTF-8. */
  text: string;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.1 (\d{3}) ([^\r\n]*)$/;
const HEADER_LINE = /^([^:\s]+):[ \t]*(.*?)[ \t]*$/;

type Parse =
  | { ok: RawResponse; size: number }
  | { wait: true }
  | { problem: string; expected?: string; actual?: string; hint: string };

const LINE_ENDS = 'End every line of the status line and the headers with "\\r\\n", and the head with an empty line ("\\r\\n" alone).';

/** Parses the first response in `bytes`, strictly by the contract. */
function parseResponse(bytes: Buffer): Parse {
  const end = bytes.indexOf(CRLF2);
  const head = bytes.subarray(0, end === -1 ? bytes.length : end + 2).toString('latin1');
  const bare = head.search(/(^|[^\r])\n/);
  if (bare !== -1) {
    return { problem: 'a line of the response head ends with a bare "\\n", without "\\r"', actual: show(head.slice(0, bare + 2)), hint: LINE_ENDS };
  }
  if (end === -1) return { wait: true };
  const lines = head.slice(0, -2).split('\r\n');
  const status = STATUS_LINE.exec(lines[0]);
  if (!status) {
    return {
      problem: 'the status line is not "HTTP/1.1 <status> <reason>"',
      expected: '"HTTP/1.1 200 OK", for example',
      actual: show(lines[0]),
      hint: 'Start every response with "HTTP/1.1", one space, the three-digit status, one space and a reason such as "OK", then "\\r\\n".',
    };
  }
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const m = HEADER_LINE.exec(line);
    if (!m) return { problem: 'a header line of the response is not "Name: value"', actual: show(line), hint: 'Write each header as its name, ":", a space and its value, then "\\r\\n".' };
    headers.push([m[1], m[2]]);
  }
  const lengths = headers.filter(([name]) => name.toLowerCase() === 'content-length');
  if (lengths.length !== 1) {
    return {
      problem: lengths.length ? 'the response has more than one Content-Length header' : 'the response has no Content-Length header',
      actual: show(head),
      hint: 'Write exactly one "Content-Length: <bytes>" header in every response, also "Content-Length: 0" for an empty body: it is how the client knows where the body ends on a connection that stays open.',
    };
  }
  if (!/^\d+$/.test(lengths[0][1])) return { problem: 'the Content-Length of the response is not a number', actual: show(lengths[0][1]), hint: 'Content-Length is the body size in bytes, in decimal digits.' };
  const size = end + 4 + Number(lengths[0][1]);
  if (bytes.length < size) return { wait: true };
  const body = Buffer.from(bytes.subarray(end + 4, size));
  const header = (name: string) => {
    const values = headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    return values.length ? values.join(', ') : undefined;
  };
  return { ok: { status: Number(status[1]), reason: status[2], headers, header, body, text: body.toString('utf8') }, size };
}

/** One TCP connection to the learner's HTTP server, driven byte by byte by a check. */
export class RawHttp extends EventEmitter {
  private received = Buffer.alloc(0);
  private cursor = 0;
  /** Complete responses read so far. */
  responses = 0;
  ended = false;
  closed = false;
  error: NodeJS.ErrnoException | undefined;

  constructor(
    readonly socket: net.Socket,
    /** The hint for a server that ends the connection cleanly between two responses. */
    private readonly whenClosed?: string,
  ) {
    super();
    openSockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.emit('change');
    });
    socket.on('end', () => ((this.ended = true), this.emit('change')));
    socket.on('error', (err) => ((this.error = err), this.emit('change')));
    socket.on('close', () => {
      this.closed = true;
      openSockets.delete(socket);
      this.emit('change');
    });
  }

  /**
   * Connects to the learner's server on 127.0.0.1:`port`. Half-open: when the server ends the
   * connection, the check can still send (and decides when to end its own side).
   */
  static async open(port: number, { whenClosed }: { whenClosed?: string } = {}): Promise<RawHttp> {
    const socket = net.connect({ port, host: HOST, allowHalfOpen: true, noDelay: true }); // see Peer: writes leave as written
    const conn = new RawHttp(socket, whenClosed);
    await within(Promise.race([once(socket, 'connect'), once(socket, 'error').then(([e]) => Promise.reject(e))]), 'your server to accept the connection');
    return conn;
  }

  private subscribe = (notify: () => void) => {
    this.on('change', notify);
    return () => this.off('change', notify);
  };

  /** Bytes received and not read as a response yet. */
  get unread(): Buffer {
    return this.received.subarray(this.cursor);
  }

  /** What arrived and how the connection stands, for messages. */
  state(): string {
    const got = this.unread.length ? show(this.unread.toString('latin1')) : 'nothing more arrived';
    const end = this.error ? `, then the connection failed (${this.error.code ?? this.error.message})` : this.ended ? ', then your server ended the connection' : '';
    return got + end;
  }

  /** Sends bytes to the server; a connection it already broke fails the check with a message. */
  send(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(data, (err) => {
        if (!err) return resolve();
        const code = (err as NodeJS.ErrnoException).code ?? err.message;
        reject(
          new LessonFailure({
            kind: 'assertion',
            message: `the check could not finish sending its request: your server had already closed the connection (${code})`,
            actual: this.state(),
            hint: 'Read the whole request before answering, and end a connection with socket.end() only after an error response or Connection: close; never destroy it while the client is still sending.',
          }),
        );
      }),
    );
  }

  /** Sends `data` in pieces of `size` bytes, one event-loop turn apart, so each is its own chunk. */
  async sendInPieces(data: string | Buffer, size: number): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (let i = 0; i < bytes.length && !this.socket.destroyed; i += size) {
      await this.send(bytes.subarray(i, i + size));
      await nextTurn();
    }
  }

  /** Half-close: no more requests, keep reading. */
  end(): void {
    this.socket.end();
  }

  /** Abort the connection with a TCP RST, as a crashed client would. */
  reset(): void {
    this.socket.resetAndDestroy();
  }

  /** Waits for the next complete response, checks its framing and consumes it. */
  async response(what: string, hint: string): Promise<RawResponse> {
    const result = await until(
      this.subscribe,
      () => {
        const parsed = parseResponse(this.unread);
        if ('wait' in parsed) return this.ended || this.closed || this.error ? ('short' as const) : undefined;
        return parsed;
      },
      what,
      { hint, detail: () => this.state() },
    );
    if (result === 'short') {
      const between = this.responses > 0 && this.unread.length === 0 && !this.error;
      fail({
        message: between ? `your server ended the connection after the previous response, before sending ${what}` : `your server closed the connection before it finished sending ${what}`,
        expected: 'a complete response: status line, headers, empty line, Content-Length bytes of body',
        actual: this.state(),
        hint: (between && this.whenClosed) || hint,
      });
    }
    if ('problem' in result) fail({ message: `${what}: ${result.problem}`, expected: result.expected, actual: result.actual, hint: result.hint });
    this.cursor += result.size;
    this.responses++;
    return result.ok;
  }

  /** Waits for the server to end the connection, failing if it sends anything more first. */
  async expectEnd(what: string, hint: string): Promise<void> {
    await until(this.subscribe, () => (this.ended || this.closed || this.error || this.unread.length ? true : undefined), what, { hint, detail: () => this.state() });
    if (this.unread.length) fail({ message: `your server sent more where ${what.replace(/^your server to /, 'it should ')}`, expected: 'the connection to end', actual: `more bytes: ${show(this.unread.toString('latin1'))}`, hint });
    if (this.error && !this.ended) fail({ message: `the connection broke instead of ending cleanly (${this.error.code ?? this.error.message})`, expected: 'an orderly end (FIN) after the response', actual: this.state(), hint: 'End the connection with socket.end() once the response is written.' });
  }
}
