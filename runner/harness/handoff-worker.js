// The worker process of the handoff checks (lesson 03, task 3), forked by handoff.ts. It plays
// the part of a real worker: it receives sockets from the learner's server
// (`worker.send('socket', socket)`), greets each client with "WORKER\n" and echoes what it
// sends, and tells the check about every socket it got. Plain JavaScript: started with node,
// no TypeScript loader, so it starts fast.
process.on('message', (message, socket) => {
  if (message !== 'socket' || !socket) {
    process.send?.({ type: 'unexpected', message: typeof message === 'string' ? message : JSON.stringify(message) ?? String(message), socket: Boolean(socket) });
    return;
  }
  const s = /** @type {import('node:net').Socket} */ (socket);
  s.on('error', () => {});
  process.send?.({ type: 'received', port: s.remotePort });
  s.write('WORKER\n');
  s.pipe(s);
});
// The check (our parent) went away: nothing left to do. Never outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
