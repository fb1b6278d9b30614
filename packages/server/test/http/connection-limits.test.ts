import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningSightline } from '../../src/app.js';
import { fitToOpenFiles } from '../../src/http/connection-limits.js';
import {
  clientIp,
  connectFrom,
  openFrom,
  readUntilClosed,
  requestFrom,
  startLimitedApp,
  waitFor,
} from './net-helpers.js';

const PER_CLIENT = 10;
const TOTAL = 40;

describe('connection caps: per client and in total, the server stays reachable', () => {
  let app: RunningSightline;
  const sockets: Socket[] = [];
  const streams: IncomingMessage[] = [];

  beforeAll(async () => {
    app = await startLimitedApp({
      connections: { maxConnections: TOTAL, maxConnectionsPerClient: PER_CLIENT },
    });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const r of streams.splice(0)) r.destroy();
    // The server counts a socket free when it sees it close: wait until it has room again.
    await waitFor(async () => (await requestFrom(`${app.url}/healthz`).catch(() => null))?.status === 200);
  });
  afterAll(async () => {
    await app.close();
  });

  /** A connection busy for as long as the test wants: an open intervention stream. */
  const busyFrom = async (ip: string, i: number) => {
    const res = await openFrom(
      `${app.url}/v1/interventions?session_id=busy-${ip}-${i}&api_key=${app.keys.publicKey}`,
      ip,
    );
    expect(res.statusCode).toBe(200);
    streams.push(res);
    return res;
  };

  /**
   * A connection busy with a request whose body never comes: `100 Continue` says the server has
   * the request (the body is then never sent). Unlike streams, these are not capped on their own.
   */
  const uploadFrom = async (ip: string) => {
    const socket = await connectFrom(app.port, ip);
    sockets.push(socket);
    const continued = new Promise<string>((resolve) =>
      socket.once('data', (chunk) => resolve(String(chunk))),
    );
    socket.write(
      'POST /v1/events HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 100\r\nexpect: 100-continue\r\n\r\n',
    );
    expect(await continued).toMatch(/^HTTP\/1\.1 100 /);
  };

  /** A request on a raw connection, answered straight by the guard when it refuses. */
  const rawHealthz = async (ip: string) => {
    const socket = await connectFrom(app.port, ip);
    sockets.push(socket);
    socket.write('GET /healthz HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n');
    return readUntilClosed(socket);
  };

  it('refuses a client past its cap with 429 rate_limited, and serves other clients', async () => {
    for (let i = 0; i < PER_CLIENT; i++) await busyFrom(clientIp(2), i);
    const refused = await rawHealthz(clientIp(2));
    expect(refused).toMatch(/^HTTP\/1\.1 429 /);
    expect(refused).toMatch(/retry-after: 1/i);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: 'rate_limited',
    });

    const other = await requestFrom(`${app.url}/healthz`, clientIp(1));
    expect(other.status).toBe(200);
  });

  it('makes room from the least recently used idle keep-alive socket of that client', async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < PER_CLIENT; i++) {
      const socket = await connectFrom(app.port, clientIp(3));
      sockets.push(socket);
      idle.push(socket);
      const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.write('GET /healthz HTTP/1.1\r\nhost: test\r\n\r\n');
      await answered;
    }
    const oldestClosed = new Promise<void>((resolve) => idle[0]!.once('close', () => resolve()));
    const next = await requestFrom(`${app.url}/healthz`, clientIp(3));
    expect(next.status).toBe(200);
    await oldestClosed;
    expect(idle.slice(1).every((s) => !s.destroyed)).toBe(true);
  });

  it('counts live WebSockets as busy: they are never reclaimed as idle', async () => {
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < PER_CLIENT; i++) {
        const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/v1/live`, { localAddress: clientIp(5) });
        await once(ws, 'open');
        sockets.push(ws);
      }
      const refused = await rawHealthz(clientIp(5));
      expect(refused).toMatch(/^HTTP\/1\.1 429 /);
      expect(sockets.every((ws) => ws.readyState === WebSocket.OPEN)).toBe(true);
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });

  it('answers 503 overloaded at the total cap when every socket is busy', async () => {
    for (let ip = 4; ip < 4 + TOTAL / PER_CLIENT; ip++)
      for (let i = 0; i < PER_CLIENT; i++) await uploadFrom(clientIp(ip));
    const refused = await rawHealthz(clientIp(1));
    expect(refused).toMatch(/^HTTP\/1\.1 503 /);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'overloaded' });
  });

  it('a flood of silent sockets from many addresses, 3x the total cap, never makes /healthz unreachable', async () => {
    const flood: Socket[] = [];
    for (let ip = 10; ip < 10 + (3 * TOTAL) / PER_CLIENT; ip++)
      for (let i = 0; i < PER_CLIENT; i++) {
        const socket = await connectFrom(app.port, clientIp(ip));
        socket.on('error', () => undefined).resume();
        sockets.push(socket);
        flood.push(socket);
      }
    const start = performance.now();
    const health = await requestFrom(`${app.url}/healthz`, clientIp(1));
    const ms = performance.now() - start;
    expect(health.status).toBe(200);
    await waitFor(() => flood.filter((s) => !s.destroyed).length <= TOTAL);
    const open = flood.filter((s) => !s.destroyed).length;
    console.log(
      `[connection flood] ${flood.length} silent sockets against a cap of ${TOTAL}: ${open} still open, /healthz answered 200 in ${ms.toFixed(1)} ms`,
    );
  });
});

describe('connection caps with the defaults', () => {
  it('a single address opening more sockets than its default cap cannot lock anyone out', async () => {
    const app = await startLimitedApp({});
    const sockets: Socket[] = [];
    try {
      const { maxConnectionsPerClient } = fitToOpenFiles({});
      for (let i = 0; i < maxConnectionsPerClient + 50; i++) {
        const socket = await connectFrom(app.port, clientIp(20));
        socket.on('error', () => undefined).resume();
        sockets.push(socket);
      }
      expect((await requestFrom(`${app.url}/healthz`, clientIp(20))).status).toBe(200);
      expect((await requestFrom(`${app.url}/healthz`, clientIp(1))).status).toBe(200);
      await waitFor(() => sockets.filter((s) => !s.destroyed).length <= maxConnectionsPerClient);
    } finally {
      for (const s of sockets) s.destroy();
      await app.close();
    }
  });

  it('fits the total under the open-file limit, and the per-client cap under the total', () => {
    expect(fitToOpenFiles({}, 1_024)).toMatchObject({ maxConnections: 768, maxConnectionsPerClient: 512 });
    expect(fitToOpenFiles({}, 256)).toMatchObject({ maxConnections: 128, maxConnectionsPerClient: 128 });
    expect(fitToOpenFiles({ maxConnections: 100 }, 1_000_000)).toMatchObject({ maxConnections: 100 });
  });
});
