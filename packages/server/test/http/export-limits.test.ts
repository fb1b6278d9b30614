import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { createProject, type ProjectKeys } from '../../src/projects/default-project.js';
import { eventBatch, postEvents } from '../support/app.js';
import {
  type Answer,
  bodyOf,
  connectFrom,
  latencyBound,
  openFrom,
  percentile,
  requestFrom,
  startLimitedApp,
  timeEach,
  waitFor,
} from './net-helpers.js';

/**
 * The kernel wakes a writer only once half of a full send buffer (up to 4 MB on loopback) has
 * drained, so the stall limit must exceed that at the slow readers' pace (~0.8 MB/s).
 */
const STALL_MS = 5_000;
/** About 1 KB per event: enough data that an export outlasts the socket buffers of a client that reads slowly. */
const PADDING = 'p'.repeat(1_000);

async function capture(
  app: RunningSightline,
  publicKey: string,
  count: number,
  from = Date.now() - 3_600_000,
) {
  for (let done = 0; done < count; done += 1_000) {
    const events = Array.from({ length: Math.min(1_000, count - done) }, (_, i) => ({
      uuid: randomUUID(),
      event: 'e',
      distinct_id: `d${i % 50}`,
      session_id: `s${i % 100}`,
      timestamp: from + done + i,
      properties: { padding: PADDING },
    }));
    expect((await postEvents(app, eventBatch(publicKey, events))).status).toBe(200);
  }
}

/**
 * An export read by a raw socket, at most one read (64 KB) every 80 ms (a slow link), until told to stop
 * reading altogether. A raw socket rather than an HTTP client, whose own buffering reads ahead.
 */
async function slowExport(port: number, secret: string) {
  const socket = await connectFrom(port, '127.0.0.1');
  socket.write(`GET /v1/export HTTP/1.1\r\nhost: test\r\nauthorization: Bearer ${secret}\r\n\r\n`);
  let stopped = false;
  let bytes = 0;
  let head = '';
  const status = new Promise<number>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (head.length < 12) {
        head += chunk.toString('latin1', 0, 12);
        if (head.length >= 12) resolve(Number(head.slice(9, 12)));
      }
      socket.pause();
      if (!stopped) setTimeout(() => !stopped && socket.resume(), 80);
    });
  });
  return {
    status: await status,
    stop() {
      stopped = true;
      socket.pause();
    },
    destroy: () => socket.destroy(),
    bytes: () => bytes,
  };
}

describe('export flood: concurrent slow exports of one project', () => {
  let app: RunningSightline;
  let b: ProjectKeys;
  let c: ProjectKeys;
  const A_EVENTS = 20_000;

  beforeAll(async () => {
    app = await startLimitedApp({ exports: { maxPerProject: 2, maxTotal: 3, stallMs: STALL_MS } });
    b = await createProject(app.engine, 'b', 'B');
    c = await createProject(app.engine, 'c', 'C');
    await app.projects.reload();
    await capture(app, app.keys.publicKey, A_EVENTS);
    await capture(app, b.publicKey, 10_000);
    await capture(app, c.publicKey, 10);
  });
  afterAll(async () => {
    await app.close();
  });

  const exportUrl = `/v1/export`;
  const openExport = (secret: string) =>
    openFrom(`${app.url}${exportUrl}`, '127.0.0.1', { authorization: `Bearer ${secret}` });
  const queryB = async () => {
    const res = await requestFrom(`${app.url}/v1/query/dashboard`, '127.0.0.1', {
      method: 'POST',
      headers: { authorization: `Bearer ${b.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time_range: '24h' }),
    });
    expect(res.status).toBe(200);
  };

  it("refuses past the project's slots with 429, never 500; another project's queries keep their latency; a stalled reader is cut", async () => {
    await timeEach(5, queryB); // warm-up
    const baseline = percentile(await timeEach(100, queryB), 99);

    const flood = await Promise.all(
      Array.from({ length: 20 }, () => slowExport(app.port, app.keys.secretKey)),
    );
    const readers = flood.filter((r) => r.status === 200);
    expect(readers).toHaveLength(2);
    expect(flood.filter((r) => r.status === 429)).toHaveLength(18);
    const refused = await openExport(app.keys.secretKey);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('10');
    expect(JSON.parse(await bodyOf(refused))).toMatchObject({ error: 'rate_limited' });

    // Steady state: the exports have filled their clients' socket buffers and now move at their pace.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = percentile(await timeEach(100, queryB), 99);
    expect(readers.every((r) => r.bytes() > 0)).toBe(true);

    // Project B takes the last slot; C is refused for the total, not its own count (so A's slow
    // readers, served for all this time, still hold theirs).
    const bReader = await slowExport(app.port, b.secretKey);
    expect(bReader.status).toBe(200);
    const cRefused = await openExport(c.secretKey);
    expect(cRefused.statusCode).toBe(429);
    expect(JSON.parse(await bodyOf(cRefused)).message).toMatch(/server/);

    // Every reader stops reading: the server cuts each after the stall limit, and A's slots come back.
    const stoppedAt = performance.now();
    for (const r of [...flood, bReader]) r.stop();
    let again: Answer | undefined;
    await waitFor(async () => {
      again = await requestFrom(`${app.url}/v1/export`, '127.0.0.1', {
        headers: { authorization: `Bearer ${app.keys.secretKey}` },
      });
      expect([200, 429]).toContain(again.status);
      return again.status === 200;
    }, STALL_MS + 20_000);
    // The stall clock runs from the last progress the kernel reported, which may precede the stop.
    const freedAfter = performance.now() - stoppedAt;
    expect(freedAfter).toBeLessThan(2 * STALL_MS + 5_000);
    expect(again!.body.split('\n').filter(Boolean)).toHaveLength(A_EVENTS);
    for (const r of [...flood, bReader]) r.destroy();

    console.log(
      `[export flood] 20 concurrent exports of one project: 2 served, 18 refused 429 (no 500); other project's query p99: baseline ${baseline.toFixed(1)} ms, during ${during.toFixed(1)} ms (bound ${latencyBound(baseline).toFixed(1)} ms); a slot came back ${freedAfter.toFixed(0)} ms after the readers stopped (limit ${STALL_MS} ms)`,
    );
    expect(during).toBeLessThanOrEqual(latencyBound(baseline));
  });
});

describe('export bounds and order', () => {
  let app: RunningSightline;
  const base = Date.UTC(2024, 0, 1);

  beforeAll(async () => {
    app = await startLimitedApp({});
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (query: string) =>
    requestFrom(`${app.url}/v1/export${query}`, '127.0.0.1', {
      headers: { authorization: `Bearer ${app.keys.secretKey}` },
    });

  it.each([
    ['?from=-1e308', /from/],
    ['?to=1e400', /to/],
    ['?from=abc', /from/],
    ['?from=-1', /from/],
    ['?to=2200-01-01', /to/],
    ['?from=2024-02-01&to=2024-01-01', /after/],
  ])('%s → 400 invalid_arguments before anything is streamed', async (query, message) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = JSON.parse(res.body) as { error: string; message: string };
    expect(body.error).toBe('invalid_arguments');
    expect(body.message).toMatch(message);
  });

  it('streams in (timestamp, seq) order across pages, ties, bursts and gaps, within [from, to)', async () => {
    // Shuffled arrival; a burst of 3,000 events on one millisecond; clusters far apart.
    const times: number[] = [];
    for (let i = 0; i < 3_000; i++) times.push(base + 5_000);
    for (let i = 0; i < 4_000; i++) times.push(base + ((i * 7_919) % 40_000));
    for (let i = 0; i < 2_000; i++) times.push(base + 30 * 86_400_000 + ((i * 104_729) % 9_000_000));
    for (let i = times.length - 1; i > 0; i--) {
      const j = (i * 2_654_435_761) % (i + 1);
      [times[i], times[j]] = [times[j]!, times[i]!];
    }
    for (let done = 0; done < times.length; done += 1_000) {
      const events = times.slice(done, done + 1_000).map((timestamp) => ({
        uuid: randomUUID(),
        event: 'e',
        distinct_id: 'd',
        timestamp,
      }));
      expect((await postEvents(app, eventBatch(app.keys.publicKey, events))).status).toBe(200);
    }
    const lines = async (query: string) => {
      const res = await get(query);
      expect(res.status).toBe(200);
      return res.body
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { timestamp: number; seq: number });
    };
    const inOrder = (rows: { timestamp: number; seq: number }[]) =>
      rows.every(
        (r, i) =>
          i === 0 ||
          r.timestamp > rows[i - 1]!.timestamp ||
          (r.timestamp === rows[i - 1]!.timestamp && r.seq > rows[i - 1]!.seq),
      );

    const all = await lines('');
    expect(all).toHaveLength(times.length);
    expect(inOrder(all)).toBe(true);
    expect(new Set(all.map((r) => r.seq)).size).toBe(times.length);

    const from = base + 5_000;
    const to = base + 30 * 86_400_000 + 1_000_000;
    const part = await lines(`?from=${from}&to=${new Date(to).toISOString()}`);
    expect(part).toEqual(all.filter((r) => r.timestamp >= from && r.timestamp < to));
  });
});
