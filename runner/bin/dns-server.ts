// `npm run dns-server [-- --port N]`: the zone example.test of lesson 05 on 127.0.0.1:N (default
// 5353), for dig and for your own experiments. The same server and zone the checks use
// (runner/harness/dns-server.ts, dns-zone.ts). Prints each question; Ctrl+C stops it.
import { parseArgs } from 'node:util';
import { startZoneServer } from '../harness/dns-server.ts';

const DEFAULT_PORT = 5353;

function fail(message: string): never {
  console.error(`dns-server: ${message}`);
  process.exit(2);
}

let port = DEFAULT_PORT;
try {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
  if (values.port !== undefined) port = Number(values.port);
} catch (err) {
  fail(`${(err as Error).message}. Usage: npm run dns-server -- --port 5353`);
}
if (!Number.isInteger(port) || port < 1 || port > 65535) fail('--port takes a number from 1 to 65535');

try {
  const server = await startZoneServer({
    port,
    onQuery: (q) => console.log(`${new Date().toISOString().slice(11, 23)}  ${q.type.padEnd(5)} ${q.name}  (from ${q.from})`),
  });
  console.log(`The zone example.test answers on 127.0.0.1:${server.port} (UDP). Try, in another terminal:\n`);
  console.log(`  dig +short -p ${server.port} @127.0.0.1 example.test MX\n`);
  console.log('Each question it gets is printed below. Ctrl+C stops it.\n');
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    fail(`port ${port} is not free (${code}). On macOS, mDNSResponder may hold 5353. Pick another: npm run dns-server -- --port 5300`);
  }
  throw err;
}
