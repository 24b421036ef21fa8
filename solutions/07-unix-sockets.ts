// Reference solution for lesson 07. One correct way among many: the checks accept any
// implementation with the same behaviour.
import { once } from 'node:events';
import { chmod, lstat, unlink } from 'node:fs/promises';
import net from 'node:net';

function reply(command: string): string {
  switch (command) {
    case 'PING':
      return 'PONG';
    case 'PID':
      return String(process.pid);
    default:
      return 'ERR unknown command';
  }
}

export function createControlServer(): net.Server {
  return net.createServer((socket) => {
    // A client that resets its connection emits 'error'; unhandled, it would crash the server.
    socket.on('error', () => {});
    socket.setEncoding('utf8');
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) !== -1) {
        const command = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        socket.write(`${reply(command)}\n`);
      }
    });
  });
}

/** sun_path holds 108 bytes on Linux, one of them the terminating zero. */
const MAX_PATH_BYTES = 107;

function errorWithCode(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Listens once; resolves when listening, rejects with the listen error. */
async function listenOnce(server: net.Server, socketPath: string): Promise<void> {
  server.listen(socketPath);
  // events.once rejects if 'error' comes first, and removes both listeners either way.
  await once(server, 'listening');
}

/**
 * Does a server answer at `socketPath`? The test connection is closed straight away. Only
 * ECONNREFUSED means no; any other error (EACCES: we may not connect) says nothing either way,
 * so it is passed on.
 */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve(false) : reject(err)));
  });
}

export async function listenSafely(server: net.Server, socketPath: string, mode = 0o600): Promise<void> {
  const abstract = socketPath.startsWith('\0');
  const bytes = Buffer.byteLength(socketPath);
  if (!abstract && bytes > MAX_PATH_BYTES) {
    throw errorWithCode(`the socket path is ${bytes} bytes long; the system keeps only ${MAX_PATH_BYTES}`, 'ENAMETOOLONG');
  }
  try {
    await listenOnce(server, socketPath);
  } catch (err) {
    // An abstract name vanishes with its socket: if it is in use, its server is alive.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || abstract) throw err;
    // Only ever remove a socket: a regular file or a folder there is someone's data.
    if (!(await lstat(socketPath)).isSocket()) throw err;
    if (await answers(socketPath)) throw err;
    await unlink(socketPath);
    await listenOnce(server, socketPath);
  }
  if (!abstract) await chmod(socketPath, mode);
}

export function ask(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Search the bytes: 0x0a never occurs inside a multi-byte UTF-8 character.
      const all = Buffer.concat(chunks);
      const newline = all.indexOf(0x0a);
      if (newline === -1) return;
      socket.destroy();
      resolve(all.subarray(0, newline).toString()); // UTF-8 is the default
    });
    socket.on('end', () => reject(new Error('the server ended the connection before a whole line arrived')));
    socket.on('error', reject);
    socket.write(`${command}\n`);
  });
}
