// Whether this machine has the IPv6 loopback address (::1). Most do; some containers and CI
// runners have IPv6 switched off. Checks use ::1 where it exists to tell "listens on the host it
// was given" from "listens on localhost": where localhost means 127.0.0.1, only ::1 differs.
import { once } from 'node:events';
import net from 'node:net';

let probe: Promise<boolean> | undefined;

/** True when a server can listen on ::1 here (asked once per test file). */
export function hasIpv6Loopback(): Promise<boolean> {
  return (probe ??= (async () => {
    const server = net.createServer();
    server.listen(0, '::1');
    const ok = await Promise.race([once(server, 'listening').then(() => true), once(server, 'error').then(() => false)]);
    if (ok) await new Promise((resolve) => server.close(resolve));
    return ok;
  })());
}
