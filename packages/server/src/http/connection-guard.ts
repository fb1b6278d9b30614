import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../errors.js';
import { clientKey } from './client-address.js';
import { type ConnectionLimits, REFUSAL_LINGER_MS } from './connection-limits.js';

interface TrackedSocket {
  client: string;
  /** Requests received and not answered yet. */
  inFlight: number;
  /** Handed to an 'upgrade' listener (the live WebSocket): busy for as long as it is open. */
  upgraded: boolean;
}

/** What the guard did, for tests and logs. */
/**
 * Caps the sockets an HTTP server holds, in total and per client, counted when they are accepted.
 * At a cap, the least recently used idle socket (no request in flight: a keep-alive connection
 * between requests, or one that has not sent a full request yet) is closed to make room; only
 * when none is idle is the new socket refused, with a short JSON error (`429 rate_limited` over
 * the client's cap, `503 overloaded` over the total) written straight to the socket. Either way
 * the server keeps file descriptors to accept and answer: it never becomes unreachable.
 */
export class ConnectionGuard {
  private readonly sockets = new Map<Socket, TrackedSocket>();
  private readonly perClient = new Map<string, number>();
  /** Idle sockets, least recently used first (a Set iterates in insertion order). */
  private readonly idle = new Set<Socket>();
  private readonly idleByClient = new Map<string, Set<Socket>>();
  private refusing = 0;

  constructor(readonly limits: ConnectionLimits) {}

  /**
   * Puts the guard in front of node:http: the server's own 'connection' listener (which attaches
   * the HTTP parser) only sees admitted sockets, so a refused one is never parsed or routed.
   */
  install(server: Server): void {
    const httpListeners = server.listeners('connection') as ((socket: Socket) => void)[];
    server.removeAllListeners('connection');
    server.on('connection', (socket: Socket) => {
      if (!this.admit(socket)) return;
      for (const listener of httpListeners) listener.call(server, socket);
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.requestStarted(req.socket, res));
    watchUpgrades(server, (socket) => this.upgraded(socket));
  }

  private admit(socket: Socket): boolean {
    const client = clientKey(socket.remoteAddress);
    if (this.count(client) >= this.limits.maxConnectionsPerClient && !this.reclaimIdle(client)) {
      this.refuse(socket, new ApiError('rate_limited', 'too many open connections from this address'));
      return false;
    }
    if (this.sockets.size >= this.limits.maxConnections && !this.reclaimIdle()) {
      this.refuse(socket, new ApiError('overloaded', 'the server is at its connection limit; retry shortly'));
      return false;
    }
    this.sockets.set(socket, { client, inFlight: 0, upgraded: false });
    this.perClient.set(client, this.count(client) + 1);
    this.markIdle(socket, client);
    socket.once('close', () => this.forget(socket));
    return true;
  }

  private count(client: string): number {
    return this.perClient.get(client) ?? 0;
  }

  /** Closes the least recently used idle socket (of `client`, or of anyone); false when none is idle. */
  private reclaimIdle(client?: string): boolean {
    const pool = client === undefined ? this.idle : this.idleByClient.get(client);
    const oldest = pool?.values().next().value;
    if (!oldest) return false;
    // Counted free now: destroy() emits 'close' only on a later tick.
    this.forget(oldest);
    oldest.destroy();
    return true;
  }

  private requestStarted(socket: Socket, res: ServerResponse): void {
    const tracked = this.sockets.get(socket);
    if (!tracked) return;
    tracked.inFlight++;
    this.unmarkIdle(socket, tracked.client);
    res.once('close', () => {
      tracked.inFlight--;
      if (tracked.inFlight === 0 && !tracked.upgraded && this.sockets.get(socket) === tracked)
        this.markIdle(socket, tracked.client);
    });
  }

  private upgraded(socket: Socket): void {
    const tracked = this.sockets.get(socket);
    if (!tracked) return;
    tracked.upgraded = true;
    this.unmarkIdle(socket, tracked.client);
  }

  private markIdle(socket: Socket, client: string): void {
    // Delete first so a socket idle again moves to the end (most recently used).
    this.unmarkIdle(socket, client);
    this.idle.add(socket);
    let set = this.idleByClient.get(client);
    if (!set) {
      set = new Set();
      this.idleByClient.set(client, set);
    }
    set.add(socket);
  }

  private unmarkIdle(socket: Socket, client: string): void {
    this.idle.delete(socket);
    const set = this.idleByClient.get(client);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.idleByClient.delete(client);
  }

  private forget(socket: Socket): void {
    const tracked = this.sockets.get(socket);
    if (!tracked) return;
    this.sockets.delete(socket);
    this.unmarkIdle(socket, tracked.client);
    const left = this.count(tracked.client) - 1;
    if (left <= 0) this.perClient.delete(tracked.client);
    else this.perClient.set(tracked.client, left);
  }

  private refuse(socket: Socket, error: ApiError): void {
    socket.on('error', () => undefined);
    if (this.refusing >= this.limits.maxRefusing) {
      socket.destroy();
      return;
    }
    this.refusing++;
    // A fixed deadline, not an idle timeout: a client trickling bytes must not keep it open.
    const linger = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
    socket.once('close', () => {
      clearTimeout(linger);
      this.refusing--;
    });
    // Half-close after the answer and keep reading (discarding) until the client closes: closing
    // with its request still unread would send a reset, which can lose the answer on its way.
    socket.end(rawErrorResponse(error));
    socket.resume();
  }
}

/** A complete HTTP/1.1 error answer for a socket no HTTP parser is attached to. */
export function rawErrorResponse(error: ApiError): string {
  const body = JSON.stringify(error.toBody());
  const reason = error.status === 429 ? 'Too Many Requests' : 'Service Unavailable';
  return [
    `HTTP/1.1 ${error.status} ${reason}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    'retry-after: 1',
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Calls `onUpgrade` for every socket handed to an 'upgrade' listener. Node treats an upgrade
 * request as a plain request when nobody listens to 'upgrade', so the watcher joins only alongside
 * another listener; if it is ever left alone (that listener removed), it closes the socket, as
 * Node would without a listener.
 */
function watchUpgrades(server: Server, onUpgrade: (socket: Socket) => void): void {
  let watching = false;
  const watcher = (_req: IncomingMessage, socket: Socket) => {
    if (server.listenerCount('upgrade') === 1) socket.destroy();
    else onUpgrade(socket);
  };
  server.on('newListener', (event: string | symbol) => {
    if (event !== 'upgrade' || watching) return;
    watching = true;
    server.prependListener('upgrade', watcher);
  });
}
