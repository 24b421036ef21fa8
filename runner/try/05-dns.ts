// npm run try 05: the example.test zone server on 127.0.0.1:PORT for dig, and what the learner's
// functions answer when they ask it.
import type { Resolver } from 'node:dns/promises';
import { startZoneServer } from '../harness/dns-server.ts';
import type { TryAdapter } from './types.ts';

interface Lesson05 {
  createResolver(server: string): Resolver;
  pickMailServer(resolver: Resolver, domain: string): Promise<string | null>;
  locateService(resolver: Resolver, service: string): Promise<{ host: string; port: number }>;
  followCname(resolver: Resolver, name: string): Promise<string[]>;
}

const start: TryAdapter = async ({ load, host, port }) => {
  const server = await startZoneServer({ host, port, onQuery: (q) => console.log(`question: ${q.type} ${q.name} (from ${q.from})`) });
  const address = `${host}:${server.port}`;
  // Show the learner's own answers against this server; a function not written yet is skipped.
  const lesson = await load<Lesson05>([]);
  const ask = async (what: string, run: () => Promise<unknown>) => {
    try {
      console.log(`your ${what} → ${JSON.stringify(await run())}`);
    } catch (err) {
      console.log(`your ${what} → ${/^TODO|not written yet/.test((err as Error).message) ? 'not written yet' : `error ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`}`);
    }
  };
  // Cosmetic only: let `npm run try` print its header and the dig commands first.
  setTimeout(async () => {
    let resolver: Resolver | undefined;
    await ask('createResolver()', async () => {
      resolver = lesson.createResolver(address);
      return resolver.getServers();
    });
    if (!resolver) return;
    const r = resolver;
    await ask("pickMailServer('example.test')", () => lesson.pickMailServer(r, 'example.test'));
    await ask("locateService('_sip._tcp.example.test')", () => lesson.locateService(r, '_sip._tcp.example.test'));
    await ask("followCname('shop.example.test')", () => lesson.followCname(r, 'shop.example.test'));
  }, 500).unref();
  return { what: 'the example.test zone server (the one the checks use)', placeholders: { PORT: String(server.port) }, close: () => server.close() };
};
export default start;
