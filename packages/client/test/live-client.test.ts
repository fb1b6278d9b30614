import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { backoffDelay, type ConnectionState, LiveClient, type WebSocketConstructor } from '../src/index.js';

// Compile-time check: the DOM's WebSocket fits the constructor type too (this file is type-checked with lib DOM).
export const browserWebSocketFits: (ctor: typeof globalThis.WebSocket) => WebSocketConstructor = (ctor) =>
  ctor;

/** A small server speaking the /v1/live protocol: each result carries the connection's number. */
class ProtocolServer {
  readonly wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  readonly received: Array<{ connection: number; message: Record<string, unknown> }> = [];
  connections = 0;

  constructor() {
    this.wss.on('connection', (socket) => {
      const connection = ++this.connections;
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as Record<string, unknown>;
        this.received.push({ connection, message });
        if (message['type'] === 'auth') {
          if (message['key'] !== 'sk_good') {
            socket.send(
              JSON.stringify({ type: 'error', error: 'invalid_secret_key', message: 'unknown secret key' }),
            );
            socket.close(4401, 'invalid secret key');
          } else socket.send(JSON.stringify({ type: 'ready' }));
        } else if (message['type'] === 'subscribe') {
          const value = { connection, args: message['args'] };
          socket.send(JSON.stringify({ type: 'result', id: message['id'], value }));
        }
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  dropAll(): void {
    for (const socket of this.wss.clients) socket.terminate();
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

describe('LiveClient', () => {
  let server: ProtocolServer;
  const clients: LiveClient[] = [];
  const connect = (key = 'sk_good') => {
    const client = new LiveClient({ url: server.url, key, WebSocket, backoff: { initialMs: 10, maxMs: 50 } });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    server = new ProtocolServer();
    await new Promise((resolve) => server.wss.once('listening', resolve));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it('authenticates, subscribes, and resubscribes after a reconnect', async () => {
    const client = connect();
    const states: ConnectionState[] = [];
    client.onStateChange((s) => states.push(s));
    const values: unknown[] = [];
    client.subscribe('overview', { time_range: '1h' }, (v) => values.push(v));
    await expect.poll(() => values).toEqual([{ connection: 1, args: { time_range: '1h' } }]);
    expect(server.received[0]?.message).toEqual({ type: 'auth', key: 'sk_good' });

    server.dropAll();
    await expect.poll(() => values.length).toBe(2);
    expect(values[1]).toEqual({ connection: 2, args: { time_range: '1h' } });
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('unsubscribes on the server', async () => {
    const client = connect();
    const values: unknown[] = [];
    const stop = client.subscribe('sessions', {}, (v) => values.push(v));
    await expect.poll(() => values.length).toBe(1);
    stop();
    await expect
      .poll(() => server.received.map((r) => r.message['type']))
      .toEqual(['auth', 'subscribe', 'unsubscribe']);
  });

  it('stops for good when the key is refused', async () => {
    const client = connect('sk_bad');
    const errors: string[] = [];
    client.onStateChange((state, error) => {
      if (state === 'closed' && error) errors.push(error.error);
    });
    client.connect();
    await expect.poll(() => errors).toEqual(['invalid_secret_key']);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.connections).toBe(1);
    expect(client.state).toBe('closed');
  });

  it('backs off exponentially up to a cap, with jitter', () => {
    const options = { initialMs: 100, maxMs: 1000, jitter: 0.2 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, options, () => 0.5))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(0, options, () => 0)).toBe(80);
    expect(backoffDelay(0, options, () => 1)).toBe(120);
  });
});
