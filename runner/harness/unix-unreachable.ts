// Socket files that a connection fails at with something other than ECONNREFUSED, for the checks
// of what a safe start does when its test connection cannot tell whether a server is alive:
// EACCES (a file we may not write to) and EAGAIN (a live server whose queue is full).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { AFTER_CHECK, onCheckEnd } from './lifecycle.ts';
import { trackChild } from './unix.ts';
import { within } from './wait.ts';

/**
 * Whether this process may connect to any socket file whatever its permission bits, as root
 * with CAP_DAC_OVERRIDE may (the fallback guard, run as root). Then no EACCES can be made on
 * purpose. The sandbox drops every capability, so there even root gets EACCES.
 */
export const OVERRIDES_FILE_PERMISSIONS = overridesFilePermissions();

function overridesFilePermissions(): boolean {
  try {
    // Linux: the effective capabilities, a hex mask; CAP_DAC_OVERRIDE is bit 1.
    const effective = /^CapEff:\s*([0-9a-f]+)$/im.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (effective) return (BigInt(`0x${effective}`) & 2n) !== 0n;
  } catch {
    // No /proc (macOS, BSD): root may do anything there.
  }
  return process.getuid?.() === 0;
}

/** The code of the error a connection to `socketPath` fails with (undefined if it connects). */
export async function connectErrorCode(socketPath: string): Promise<string | undefined> {
  const socket = net.connect(socketPath);
  const result = new Promise<string | undefined>((resolve) => {
    socket.once('connect', () => resolve(undefined));
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
  try {
    return await within(result, `a test connection to ${socketPath}`);
  } finally {
    socket.destroy();
  }
}

/** Our connections that fill a busy server's queue (busyServerAt): closed after the check. */
const fillers = new Set<net.Socket>();

onCheckEnd(AFTER_CHECK.sockets, () => {
  for (const socket of fillers) socket.destroy();
  fillers.clear();
});

/** Linux refuses a connection to a full queue with EAGAIN (macOS says ECONNREFUSED). */
export const FULL_QUEUE_SAYS_EAGAIN = process.platform === 'linux';

/**
 * Makes `socketPath` the socket file of a live server that takes no more connections: a separate
 * Node process listens with a backlog of 1 and then blocks its only thread, so it never accepts,
 * and our own connections fill its queue. Any further connection then fails at once with EAGAIN,
 * whoever makes it (root too, unlike a chmod), while lstat says socket and listen EADDRINUSE.
 */
export async function busyServerAt(socketPath: string): Promise<void> {
  const block = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)';
  const script = `require('node:net').createServer().listen({ path: ${JSON.stringify(socketPath)}, backlog: 1 }, () => { console.log('listening'); ${block}; })`;
  const child = trackChild(spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] }));
  await within(once(child.stdout as NodeJS.ReadableStream, 'data'), 'a helper process to listen on a socket file (a server too busy to accept)', { ms: 10_000 });
  // Linux queues backlog + 1 connections; a few more tries cover other systems' arithmetic.
  for (let i = 0; i < 16; i++) {
    const socket = net.connect(socketPath);
    fillers.add(socket);
    const code = await within(
      new Promise<string | undefined>((resolve) => {
        socket.once('connect', () => resolve(undefined));
        // on, not once: a queued connection is reset later, when the helper is killed.
        socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      }),
      "a connection to fill the busy server's queue",
    );
    if (code === 'EAGAIN') return;
    if (code !== undefined) throw new Error(`filling the busy server's queue at ${socketPath} failed with ${code}, not EAGAIN`);
  }
  throw new Error(`the busy server's queue at ${socketPath} took 16 connections without filling up`);
}
