// npm run try 08: two small servers built from the learner's four functions. On PORT, an
// NDJSON echo server: every JSON line comes back as {"echo": value}. On FRAME_PORT, a frame
// server: every length-prefixed frame comes back as a frame with the payload in upper case.
// Each refusal (too large, not JSON, truncated) is printed in the try terminal.
import net from 'node:net';
import { closer, listenOn } from './servers.ts';
import type { TryAdapter } from './types.ts';

interface Lesson08 {
  writeFrames(socket: net.Socket, payloads: Buffer[]): Promise<void>;
  readFrames(socket: net.Socket, maxLength: number, onFrame: (payload: Buffer) => void): Promise<void>;
  writeJsonLines(socket: net.Socket, values: unknown[]): Promise<void>;
  readJsonLines(socket: net.Socket, maxLineBytes: number, onMessage: (value: unknown) => void): Promise<void>;
}

/** Limits small enough to reach by hand with printf. */
const MAX_FRAME = 1024 * 1024;
const MAX_LINE = 64 * 1024;

const start: TryAdapter = async ({ load, host, port }) => {
  const lesson = await load<Lesson08>(['writeFrames', 'readFrames', 'writeJsonLines', 'readJsonLines']);
  const report = (server: string) => (err: unknown) => console.log(`[${server}] the connection ended: ${err instanceof Error ? `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}` : String(err)}`);

  const json = net.createServer((socket) => {
    socket.on('error', () => {}); // reported through the promise below
    lesson.readJsonLines(socket, MAX_LINE, (value) => void lesson.writeJsonLines(socket, [{ echo: value }]).catch(() => {})).catch(report('json'));
  });
  const frames = net.createServer((socket) => {
    socket.on('error', () => {});
    const shout = (payload: Buffer) => Buffer.from(payload.toString('latin1').toUpperCase(), 'latin1');
    lesson.readFrames(socket, MAX_FRAME, (payload) => void lesson.writeFrames(socket, [shout(payload)]).catch(() => {})).catch(report('frames'));
  });
  const closeJson = closer(json);
  const closeFrames = closer(frames);
  const jsonPort = await listenOn(json, host, port);
  const framePort = await listenOn(frames, host, 0);
  return {
    what: `the NDJSON echo server built from your functions (its frame twin listens on 127.0.0.1:${framePort}, FRAME_PORT)`,
    placeholders: { PORT: String(jsonPort), FRAME_PORT: String(framePort) },
    close: async () => {
      await Promise.all([closeJson(), closeFrames()]);
    },
  };
};
export default start;
