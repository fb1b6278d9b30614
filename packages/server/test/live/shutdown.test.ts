import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeRow } from '../support/rows.js';
import { startLiveApp } from './support.js';

const DAY = 86_400_000;
/** Enough events that the heavy queries below take seconds each on a shared 2-core machine. */
const EVENTS = 200_000;

/** Heavy real queries over 30 days, each with its own args (a distinct computation). */
function heavy(i: number): { query: string; args: Record<string, unknown> } {
  const steps = ['page_view', 'user_click', 'file_selected', 'upload_started', 'error'].slice(0, 2 + (i % 4));
  switch (i % 3) {
    case 0:
      return { query: 'drop_offs', args: { time_range: '30d', steps, threshold: (i % 10) / 10 } };
    case 1:
      return {
        query: 'funnel',
        args: { time_range: '30d', steps, window_ms: 60_000 * (i + 1), breakdown: 'k' },
      };
    default:
      return {
        query: 'dashboard',
        args: { time_range: { from: Date.now() - 30 * DAY - i, to: Date.now() } },
      };
  }
}

describe('shutdown with many slow live queries', () => {
  it('close() cancels running and waiting queries and returns within a few seconds', async () => {
    const app = await startLiveApp({ queries: { timeoutMs: 120_000 } });
    const projectId = app.projects.bySecretKey(app.keys.secretKey)?.id as string;
    const now = Date.now();
    const names = ['page_view', 'user_click', 'file_selected', 'upload_started', 'error', 'page_performance'];
    for (let at = 0; at < EVENTS; at += 50_000) {
      await app.engine.insertEvents(
        Array.from({ length: 50_000 }, (_, j) => {
          const i = at + j;
          return makeRow({
            project_id: projectId,
            event: names[i % names.length] as string,
            session_id: `s${Math.floor(i / 20)}`,
            distinct_id: `u${Math.floor(i / 60)}`,
            timestamp: now - 29 * DAY + Math.floor((i / EVENTS) * 29 * DAY),
            received_at: now,
            path: `/p/${i % 31}`,
            properties: JSON.stringify({ k: `v${i % 3000}`, page_load_time: i % 900 }),
          });
        }),
      );
    }
    const timeOne = async () => {
      const started = performance.now();
      const res = await fetch(`${app.url}/v1/query/dashboard`, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ time_range: '30d' }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      return performance.now() - started;
    };
    const single = await timeOne();

    // 50 distinct heavy computations over 5 sockets, writes that keep them dirty, HTTP queries in flight.
    const sockets = Array.from({ length: 5 }, (_, c) => {
      const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/v1/live`);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', key: app.keys.secretKey })));
      ws.on('message', (data) => {
        if (!String(data).startsWith('{"type":"ready"')) return;
        for (let s = 0; s < 10; s++)
          ws.send(JSON.stringify({ type: 'subscribe', id: `h${s}`, ...heavy(c * 10 + s) }));
      });
      ws.on('error', () => undefined);
      return ws;
    });
    const writes = setInterval(() => app.live.invalidate(null, new Set(['events'])), 20);
    const inFlight = Array.from({ length: 4 }, () => timeOne().catch(() => undefined));
    await expect.poll(() => app.live.sharedCount, { timeout: 10_000 }).toBe(50);
    await expect.poll(() => app.queries.runningCount(), { timeout: 10_000 }).toBe(2);
    await sleep(300);
    const running = app.queries.runningCount();
    const waiting = app.queries.waitingCount();
    const computations = app.live.sharedCount;

    const started = performance.now();
    await app.close();
    const closeMs = performance.now() - started;
    clearInterval(writes);
    await Promise.all(inFlight);
    for (const ws of sockets) ws.terminate();
    console.log(
      `[shutdown] one dashboard query alone: ${single.toFixed(0)} ms; at close: ${computations} live computations, ${running} queries running, ${waiting} waiting, 4 HTTP queries in flight; close() took ${closeMs.toFixed(0)} ms`,
    );
    expect(closeMs).toBeLessThan(3_000);
    expect(app.queries.runningCount()).toBe(0);
  });
});
