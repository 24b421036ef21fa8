// Reference solution for lesson 01. One correct way among many: the checks accept any
// implementation with the same behaviour.
import net from 'node:net';

export function createShoutServer(): net.Server {
  return net.createServer((socket) => {
    // A client that vanishes (reset) emits 'error'; without a listener it would crash the server.
    socket.on('error', () => {});
    // Decode as UTF-8 across chunk boundaries: a character may be split between two chunks.
    socket.setEncoding('utf8');
    socket.write('HELLO\n');

    const NEWLINE = '\n';
    // Per-connection state: this client's unfinished line.
    let pending = '';
    let quit = false;
    socket.on('data', (chunk: string) => {
      if (quit) return;
      pending += chunk;
      // No newline in this chunk: no new line is complete. (Searching all of a line of many
      // megabytes again on each of its chunks would take time that grows with its square.)
      if (!chunk.includes(NEWLINE)) return;
      let newline: number;
      while ((newline = pending.indexOf(NEWLINE)) !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line === 'QUIT') {
          quit = true;
          socket.end('BYE\n');
          return;
        }
        socket.write(`${line.toUpperCase()}\n`);
      }
    });
  });
}

export function talk(port: number, host: string, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // 'end': the server sent FIN, so nothing more will come. Decode once, at the end
    // (toString() decodes UTF-8).
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
    for (const line of lines) socket.write(`${line}\n`);
    // Half-close: tell the server we are done sending; we can still read its reply.
    socket.end();
  });
}
