// Watching a learner's server from the outside: which connections it accepted, which of those
// have closed on the server's side, which it dropped. For checks about a server's life (counts,
// graceful stop, paused sockets). It only observes: a 'connection' listener adds no reader, so
// a socket that arrives paused stays paused.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { fail } from './failure.ts';
import type { Peer } from './peer.ts';
import { recordLearnerServer } from './timeline.ts';
import { learnerSockets, openServers, sendAtOnce } from './tracking.ts';
import { until } from './wait.ts';

/** One connection as the learner's server sees it. */
export interface ServerSide {
  socket: net.Socket;
  /** The client's port, recorded on accept (a closed socket no longer knows it). */
  port: number;
  closed: boolean;
}

export class ServerProbe {
  readonly accepted: ServerSide[] = [];
  /** How many 'drop' events the server emitted (maxConnections reached). */
  drops = 0;
  private readonly changes = new EventEmitter();

  constructor(readonly server: net.Server) {
    server.on('connection', (socket: net.Socket) => {
      const side: ServerSide = { socket, port: socket.remotePort ?? -1, closed: false };
      this.accepted.push(side);
      socket.once('close', () => {
        side.closed = true;
        this.changes.emit('change');
      });
      this.changes.emit('change');
    });
    server.on('drop', () => {
      this.drops++;
      this.changes.emit('change');
    });
  }

  private subscribe = (notify: () => void) => {
    this.changes.on('change', notify);
    return () => this.changes.off('change', notify);
  };

  /** Calls `notify` whenever the server accepts, drops or closes a connection. */
  onChange(notify: () => void): () => void {
    return this.subscribe(notify);
  }

  /** Connections accepted and not closed yet on the server's side. */
  get open(): number {
    return this.accepted.filter((s) => !s.closed).length;
  }

  /**
   * The server's side of `peer`'s connection, once the server has accepted it. Ask before the
   * peer resets: a destroyed socket no longer knows its port.
   */
  serverSideOf(peer: { socket: net.Socket }, waitingFor = 'your server to accept the connection'): Promise<ServerSide> {
    const port = peer.socket.localPort;
    if (port === undefined) throw new Error('serverSideOf(peer): the peer is closed and no longer knows its port; ask while it is open (maintainer error)');
    return until(this.subscribe, () => this.accepted.find((s) => s.port === port), waitingFor, {
      hint: "The server emits 'connection' for every client it accepts; check that it is listening where the client connects.",
    });
  }

  /** Waits until the server's side of a connection has closed. */
  async closed(side: ServerSide, waitingFor: string, hint: string): Promise<void> {
    await until(this.subscribe, () => (side.closed ? true : undefined), waitingFor, { hint });
  }

  /**
   * Waits until the server's side of `peer`'s connection has closed. Call it while the peer is
   * still open (say, right after `peer.end()`); later, use `serverSideOf` first and `closed`.
   */
  async closedOnServer(peer: Peer, waitingFor: string, hint: string): Promise<void> {
    await this.closed(await this.serverSideOf(peer), waitingFor, hint);
  }

  /** Waits until `peer`'s connection was either accepted by the server or closed by it (dropped). */
  fateOf(peer: Peer, waitingFor: string, hint: string): Promise<'accepted' | 'closed'> {
    const port = peer.socket.localPort;
    return until(
      (notify) => {
        peer.on('change', notify);
        const off = this.subscribe(notify);
        return () => {
          peer.off('change', notify);
          off();
        };
      },
      () => (this.accepted.some((s) => s.port === port) ? 'accepted' : peer.ended || peer.closed || peer.error ? 'closed' : undefined),
      waitingFor,
      { hint },
    );
  }

  /**
   * Waits until the server has accepted `n` connections in all, and returns the n-th. Start
   * waiting before the client connects: the check then resumes right after the 'connection'
   * event (its listeners, ticks and promise callbacks have run, nothing later has).
   */
  acceptedReach(n: number, waitingFor: string, hint: string): Promise<ServerSide> {
    return until(this.subscribe, () => this.accepted[n - 1], waitingFor, { hint });
  }

  /** Waits until the server has emitted `n` 'drop' events in all. */
  async dropsReach(n: number, waitingFor: string, hint: string): Promise<void> {
    await until(this.subscribe, () => (this.drops >= n ? true : undefined), waitingFor, { hint });
  }
}

/** Starts watching `server` (call it before clients connect). */
export function probeServer(server: net.Server): ServerProbe {
  return new ServerProbe(server);
}

/**
 * Takes charge of a server the learner's code started listening itself: it is closed after the
 * check, and the connections it accepts are tracked like those of `listen()` (closed after the
 * check, reported as leaks if the server keeps them open after the client left).
 */
export function adoptServer(server: unknown, what: string): net.Server {
  if (!(server instanceof net.Server)) {
    fail({
      message: `${what} should be a net.Server`,
      expected: 'the server made with net.createServer(...)',
      actual: server === undefined ? 'undefined' : typeof server === 'object' ? 'another kind of object' : String(server),
      hint: 'Put the net.Server itself in the object you resolve with.',
    });
  }
  openServers.add(server);
  server.prependListener('connection', (socket: net.Socket) => {
    learnerSockets.add(socket);
    sendAtOnce(socket);
    socket.once('close', () => learnerSockets.delete(socket));
  });
  recordLearnerServer(server);
  return server;
}
