import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningSightline } from '../../src/app.js';
import type { ProjectKeys } from '../../src/projects/default-project.js';
import type { EventRow } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { addProject, startLiveApp } from './support.js';

/** Project A's flood: distinct expensive live queries from many sockets (2,000 subscribe attempts). */
const FLOOD_CONNECTIONS = 40;
const SUBSCRIPTIONS_PER_CONNECTION = 50;
/** B's latency may double under A's flood; below this it counts as unchanged (timer and scheduling noise). */
const FLOOR_MS = 100;
const DAY = 86_400_000;

/** The i-th distinct expensive subscription: user flows and page performance over 30 days. */
function floodArgs(i: number): { query: string; args: Record<string, unknown> } {
  if (i % 2 === 0) {
    const k = i / 2;
    return {
      query: 'user_flow',
      args: {
        time_range: '30d',
        path_length: (k % 20) + 1,
        mode: k % 40 < 20 ? 'events' : 'pages',
        limit: 10 + Math.floor(k / 40),
      },
    };
  }
  return { query: 'performance', args: { time_range: '30d', limit: 1 + Math.floor(i / 2) } };
}

/** A few thousand events over 30 days: sessions of 15 steps with page loads and vitals. */
function history(projectId: string, count: number, now: number): EventRow[] {
  const names = [
    'page_view',
    'user_click',
    'page_performance',
    'file_selected',
    'upload_started',
    'web_vitals',
  ];
  return Array.from({ length: count }, (_, i) =>
    makeRow({
      project_id: projectId,
      event: names[i % names.length] as string,
      session_id: `s${Math.floor(i / 15)}`,
      distinct_id: `u${Math.floor(i / 45)}`,
      timestamp: now - 29 * DAY + Math.floor((i / count) * 29 * DAY),
      received_at: now,
      path: `/page/${i % 23}`,
      properties: JSON.stringify({ page_load_time: 200 + (i % 900), lcp: 800 + (i % 1500), ttfb: i % 300 }),
    }),
  );
}

/** A light flood client (the test shares the server's event loop): counts messages, keeps none. */
class FloodClient {
  readonly socket: WebSocket;
  results = 0;
  rateLimited = 0;
  constructor(url: string, key: string, subscriptions: Array<{ id: string; query: string; args: unknown }>) {
    this.socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/live`);
    this.socket.on('open', () => this.socket.send(JSON.stringify({ type: 'auth', key })));
    this.socket.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"type":"ready"')) {
        for (const s of subscriptions) this.socket.send(JSON.stringify({ type: 'subscribe', ...s }));
      } else if (text.startsWith('{"type":"result"')) this.results++;
      else if (text.includes('"rate_limited"')) this.rateLimited++;
    });
    this.socket.on('error', () => undefined);
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
const ms = (n: number) => `${n.toFixed(1)} ms`;

describe('GET /v1/live: one project flooding live queries does not starve another', () => {
  let app: RunningSightline;
  let b: ProjectKeys;
  let uuid = 0;

  beforeAll(async () => {
    app = await startLiveApp();
    b = await addProject(app, 'b');
    const now = Date.now();
    const a = app.projects.bySecretKey(app.keys.secretKey)?.id as string;
    await app.engine.insertEvents(history(a, 4_000, now));
    await app.engine.insertEvents(history('b', 300, now).map((row) => ({ ...row, timestamp: now - 60_000 })));
  });
  afterAll(async () => {
    await app?.close();
  });

  const captureOne = async (apiKey: string) => {
    const started = performance.now();
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        api_key: apiKey,
        batch: [
          {
            uuid: `flood-${uuid++}`,
            event: 'page_view',
            distinct_id: 'd',
            session_id: 's',
            timestamp: Date.now(),
          },
        ],
      }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`capture: ${res.status}`);
    return performance.now() - started;
  };

  const queryB = async () => {
    const started = performance.now();
    const res = await fetch(`${app.url}/v1/query/overview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time_range: '1h' }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`query: ${res.status}`);
    return performance.now() - started;
  };

  /** B's capture latency (single-event requests) and query latency (overview queries), sorted, and the event loop's delay. */
  const measureB = async (captures = 100, queries = 20) => {
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const capture: number[] = [];
    for (let i = 0; i < captures; i++) capture.push(await captureOne(b.publicKey));
    const query: number[] = [];
    for (let i = 0; i < queries; i++) query.push(await queryB());
    loop.disable();
    capture.sort((x, y) => x - y);
    query.sort((x, y) => x - y);
    return {
      captureP99: percentile(capture, 99),
      queryP50: percentile(query, 50),
      queryP95: percentile(query, 95),
      loopP99: loop.percentile(99) / 1e6,
    };
  };
  type Figures = Awaited<ReturnType<typeof measureB>>;
  const show = (f: Figures) =>
    `capture p99 ${ms(f.captureP99)}, query p50 ${ms(f.queryP50)} p95 ${ms(f.queryP95)}, event loop delay p99 ${ms(f.loopP99)}`;

  it("B's capture p99 and query latency stay within 2× of the baseline; A is refused past its limits; memory stays bounded", async () => {
    await measureB(20, 5); // warm-up
    const before = await measureB();
    const rssBefore = process.memoryUsage().rss;

    // A: constant commits (every live query of A is dirty all the time)…
    let writing = true;
    const writer = (async () => {
      let writes = 0;
      while (writing) {
        await captureOne(app.keys.publicKey);
        writes++;
        await sleep(20);
      }
      return writes;
    })();
    // …and 2,000 distinct expensive subscriptions over 40 sockets.
    const executionsBefore = app.live.executions;
    const flood = Array.from(
      { length: FLOOD_CONNECTIONS },
      (_, c) =>
        new FloodClient(
          app.url,
          app.keys.secretKey,
          Array.from({ length: SUBSCRIPTIONS_PER_CONNECTION }, (_, s) => {
            const i = c * SUBSCRIPTIONS_PER_CONNECTION + s;
            return { id: `f${i}`, ...floodArgs(i) };
          }),
        ),
    );
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 50);
    const refused = () => flood.reduce((n, f) => n + f.rateLimited, 0);
    const results = () => flood.reduce((n, f) => n + f.results, 0);
    const limit = app.live.limits.maxComputationsPerProject;
    await expect
      .poll(refused, { timeout: 20_000 })
      .toBe(FLOOD_CONNECTIONS * SUBSCRIPTIONS_PER_CONNECTION - limit);
    expect(app.live.sharedCount).toBe(limit);
    await sleep(1_000);

    const underFlood = await measureB();
    const projectA = app.projects.bySecretKey(app.keys.secretKey)?.id;
    const runningA = app.queries.runningCount(projectA);
    const executions = app.live.executions - executionsBefore;
    clearInterval(sampler);
    writing = false;
    const writes = await writer;
    for (const f of flood) f.socket.close();
    await expect.poll(() => app.live.sharedCount).toBe(0);
    // The machine is shared: a second baseline after the flood, and the slower of the two counts.
    const after = await measureB();
    const baseline = {
      captureP99: Math.max(before.captureP99, after.captureP99),
      queryP50: Math.max(before.queryP50, after.queryP50),
      queryP95: Math.max(before.queryP95, after.queryP95),
    };

    const growthMb = (rssPeak - rssBefore) / 2 ** 20;
    console.log(
      [
        `[live flood] A: ${FLOOD_CONNECTIONS * SUBSCRIPTIONS_PER_CONNECTION} distinct subscribe attempts over ${FLOOD_CONNECTIONS} sockets, ${refused()} refused rate_limited, ${limit} computations kept, ${executions} runs, ${results()} results pushed to A, ${writes} commits by A`,
        `[live flood] B before:      ${show(before)}`,
        `[live flood] B under flood: ${show(underFlood)}`,
        `[live flood] B after:       ${show(after)}`,
        `[live flood] rss before ${(rssBefore / 2 ** 20).toFixed(0)} MB, peak ${(rssPeak / 2 ** 20).toFixed(0)} MB (+${growthMb.toFixed(0)} MB)`,
      ].join('\n'),
    );
    // A is served within its share, never beyond its slots.
    expect(results()).toBeGreaterThan(0);
    expect(runningA).toBeLessThanOrEqual(app.queries.limits.maxRunningPerProject);
    expect(underFlood.captureP99).toBeLessThanOrEqual(Math.max(2 * baseline.captureP99, FLOOR_MS));
    expect(underFlood.queryP50).toBeLessThanOrEqual(Math.max(2 * baseline.queryP50, FLOOR_MS));
    expect(underFlood.queryP95).toBeLessThanOrEqual(Math.max(2 * baseline.queryP95, FLOOR_MS));
    expect(growthMb).toBeLessThan(512);
  });
});
