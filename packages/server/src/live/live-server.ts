import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { DashboardAccess } from '../projects/dashboard-access.js';
import { LiveConnection } from './live-connection.js';
import type { LiveQueries } from './live-queries.js';
import { CLOSE_CODES } from './protocol.js';

export const LIVE_PATH = '/v1/live';
/** Client messages are small (a subscription's args); anything larger is refused by ws. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** Unanswered pings end a connection after this long, so dead clients release their subscriptions. */
const PING_INTERVAL_MS = 30_000;

export interface LiveServerOptions {
  highWaterBytes?: number;
}

export interface LiveServer {
  connectionCount(): number;
  close(): void;
}

/** `GET /v1/live` WebSocket endpoint on the existing HTTP server (its `upgrade` event). */
export function attachLiveServer(
  server: Server,
  access: DashboardAccess,
  live: LiveQueries,
  options: LiveServerOptions = {},
): LiveServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const alive = new WeakSet<object>();
  let closed = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (closed || path !== LIVE_PATH) {
      socket.end(
        `HTTP/1.1 ${closed ? '503 Service Unavailable' : '404 Not Found'}\r\nconnection: close\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      new LiveConnection(ws, access, live, req, options.highWaterBytes);
    });
  };
  server.on('upgrade', onUpgrade);

  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  ping.unref();

  return {
    connectionCount: () => wss.clients.size,
    close() {
      closed = true;
      clearInterval(ping);
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(CLOSE_CODES.shuttingDown, 'server shutting down');
      wss.close();
    },
  };
}
