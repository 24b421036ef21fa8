// Reference solution for lesson 08. One correct way among many: the checks accept any
// implementation with the same behaviour.
import { once } from 'node:events';
import type net from 'node:net';

function errorWithCode(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Writes each chunk in order, waiting for 'drain' whenever write() says the buffer is full. */
async function writeAll(socket: net.Socket, chunks: Iterable<Buffer | string>): Promise<void> {
  for (const chunk of chunks) {
    // events.once rejects if 'error' comes first: a broken connection never drains.
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
}

function* frames(payloads: Buffer[]): Iterable<Buffer> {
  for (const payload of payloads) {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.length);
    yield Buffer.concat([header, payload]);
  }
}

export function writeFrames(socket: net.Socket, payloads: Buffer[]): Promise<void> {
  return writeAll(socket, frames(payloads));
}

export function readFrames(socket: net.Socket, maxLength: number, onFrame: (payload: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Chunks not yet used, joined only when a whole frame is there: a 16 MB frame arrives in
    // hundreds of chunks, and joining on every chunk would copy gigabytes.
    const chunks: Buffer[] = [];
    let size = 0;
    let length = -1; // payload length of the frame being read; -1 while its header is incomplete
    const take = (n: number): Buffer => {
      // One chunk needs no copy: many small frames in one chunk are cut from it in place.
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      chunks.length = 0;
      chunks.push(all.subarray(n)); // possibly empty
      size = all.length - n;
      return all.subarray(0, n);
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      for (;;) {
        if (length === -1) {
          if (size < 4) return;
          length = take(4).readUInt32BE(0);
          if (length > maxLength) {
            socket.destroy();
            reject(errorWithCode(`frame of ${length} bytes is over the limit of ${maxLength}`, 'ERR_FRAME_TOO_LARGE'));
            return;
          }
        }
        if (size < length) return;
        const payload = take(length);
        length = -1;
        onFrame(payload);
      }
    });
    socket.on('end', () => {
      if (length === -1 && size === 0) resolve();
      else reject(errorWithCode('the stream ended inside a frame', 'ERR_FRAME_TRUNCATED'));
    });
    socket.on('error', reject);
  });
}

export function writeJsonLines(socket: net.Socket, values: unknown[]): Promise<void> {
  return writeAll(
    socket,
    values.map((value) => `${JSON.stringify(value)}\n`),
  );
}

export function readJsonLines(socket: net.Socket, maxLineBytes: number, onMessage: (value: unknown) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0); // the bytes after the last '\n'
    const fail = (err: unknown) => {
      socket.destroy();
      reject(err);
    };
    const tooLong = () => errorWithCode(`a line is longer than ${maxLineBytes} bytes`, 'ERR_LINE_TOO_LONG');
    socket.on('data', (chunk: Buffer) => {
      const data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      let newline: number;
      // Split the bytes, not decoded text: 0x0a never occurs inside a multi-byte character,
      // and a line is decoded only once it is whole.
      while ((newline = data.indexOf(0x0a, start)) !== -1) {
        if (newline - start > maxLineBytes) return fail(tooLong());
        const line = data.toString('utf8', start, newline);
        start = newline + 1;
        if (!line.trim()) continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (err) {
          return fail(err);
        }
        onMessage(value);
      }
      pending = data.subarray(start);
      if (pending.length > maxLineBytes) fail(tooLong());
    });
    socket.on('end', () => {
      if (pending.toString('utf8').trim()) reject(errorWithCode('the stream ended inside a line', 'ERR_LINE_TRUNCATED'));
      else resolve();
    });
    socket.on('error', reject);
  });
}
