import { LiveClient } from '@sightline/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningSightline } from '../../src/app.js';
import { postEvent, RawLiveClient, type Received, startLiveApp } from './support.js';

const overviewTotal = (m: Received) => (m.value as { total_events?: number } | undefined)?.total_events;

describe('GET /v1/live', () => {
  let app: RunningSightline;
  let uuid = 0;
  const event = (session = 's1', extra: Record<string, unknown> = {}) => ({
    uuid: `live-${uuid++}`,
    event: 'page_view',
    distinct_id: 'd1',
    session_id: session,
    timestamp: Date.now(),
    ...extra,
  });

  beforeAll(async () => {
    // 1,000 subscribers of one project below: twice the default per-project limit.
    app = await startLiveApp({
      live: { intervalMs: 50, highWaterBytes: 64 * 1024, maxSubscriptionsPerProject: 2000 },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('pushes the result at once, then again after an insert', async () => {
    const client = new LiveClient({ url: app.url, key: app.keys.secretKey, WebSocket });
    const values: number[] = [];
    const states: string[] = [];
    client.onStateChange((s) => states.push(s));
    client.subscribe('overview', { time_range: '1h' }, (v) => values.push(v.total_events));
    await expect.poll(() => values).toEqual([0]);
    await postEvent(app, event());
    await expect.poll(() => values).toEqual([0, 1]);
    expect(states).toEqual(['connecting', 'open']);
    client.close();
  });

  it("pushes an insight's new status to subscribers of insights", async () => {
    await postEvent(app, event('live-err', { event: 'error', properties: { message: 'boom' } }));
    await app.processor.drain();
    const client = new LiveClient({ url: app.url, key: app.keys.secretKey, WebSocket });
    type Insights = { insights: Array<{ id: string; session_id: string; status: string }> };
    let latest: Insights['insights'] = [];
    client.subscribe('insights', { time_range: '1h' }, (v) => {
      latest = v.insights.filter((i) => i.session_id === 'live-err');
    });
    await expect.poll(() => latest.map((i) => i.status)).toEqual(['open']);
    const res = await fetch(`${app.url}/v1/insights/${latest[0]?.id}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved' }),
    });
    expect(res.status).toBe(200);
    // No event follows: only the route's own invalidation can trigger this push.
    await expect.poll(() => latest.map((i) => i.status)).toEqual(['resolved']);
    client.close();
  });

  it('refuses a bad key and closes; reports bad subscriptions with their id', async () => {
    const bad = new RawLiveClient(app.url);
    await bad.opened();
    const closed = bad.closed();
    bad.send({ type: 'auth', key: 'sk_wrong' });
    expect((await closed).code).toBe(4401);
    expect(bad.messages[0]).toMatchObject({ type: 'error', error: 'invalid_secret_key' });

    const good = new RawLiveClient(app.url);
    await good.opened();
    good.send({ type: 'auth', key: app.keys.secretKey });
    good.send({ type: 'subscribe', id: 'f', query: 'funnel', args: { steps: ['only-one'] } });
    good.send({ type: 'subscribe', id: 'n', query: 'nope', args: {} });
    expect(await good.waitFor((m) => m.id === 'f')).toMatchObject({
      type: 'error',
      error: 'invalid_arguments',
    });
    expect((await good.waitFor((m) => m.id === 'f')).message).toMatch(/steps/);
    expect(await good.waitFor((m) => m.id === 'n')).toMatchObject({ type: 'error', error: 'not_found' });
    // An argument error found while running keeps its code.
    good.send({
      type: 'subscribe',
      id: 'big',
      query: 'timeseries',
      args: { time_range: '30d', interval: 'minute' },
    });
    expect(await good.waitFor((m) => m.id === 'big')).toMatchObject({
      type: 'error',
      error: 'invalid_arguments',
    });
    good.close();
  });

  it('1,000 subscribers to the same query share one computation per change', async () => {
    const clients = Array.from({ length: 20 }, () => new RawLiveClient(app.url));
    await Promise.all(clients.map((c) => c.opened()));
    const args = { time_range: '24h' };
    for (const c of clients) {
      c.send({ type: 'auth', key: app.keys.secretKey });
      for (let i = 0; i < 50; i++) c.send({ type: 'subscribe', id: `q${i}`, query: 'overview', args });
    }
    const current = await clients[0]!.waitFor((m) => m.type === 'result');
    const before = overviewTotal(current) as number;
    const resultsFor = (total: number) =>
      clients.reduce(
        (n, c) => n + c.messages.filter((m) => m.type === 'result' && overviewTotal(m) === total).length,
        0,
      );
    await expect.poll(() => resultsFor(before), { timeout: 10_000 }).toBe(1000);
    expect(app.live.sharedCount).toBe(1);

    const executions = app.live.executions;
    await postEvent(app, event('s-shared'));
    await expect.poll(() => resultsFor(before + 1), { timeout: 10_000 }).toBe(1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(app.live.executions - executions).toBe(1);
    for (const c of clients) c.close();
  });

  it('a client that stops reading does not stall the others, and gets the latest value when it resumes', async () => {
    // A big result (a long session timeline, ~0.5 MB) fills a paused socket's buffers quickly.
    const padding = 'x'.repeat(250);
    const projectId = app.projects.bySecretKey(app.keys.secretKey)?.id ?? '';
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      project_id: projectId,
      uuid: `big-${i}`,
      event: 'user_click',
      distinct_id: 'd1',
      session_id: 'big',
      timestamp: Date.now() - 1000,
      received_at: Date.now(),
      url: '',
      path: '/big',
      referrer: '',
      browser: '',
      os: '',
      device: '',
      properties: JSON.stringify({ padding }),
    }));
    await app.engine.insertEvents(rows);
    const args = { session_id: 'big', limit: 10_000 };
    const slow = new RawLiveClient(app.url);
    const fast = new RawLiveClient(app.url);
    await Promise.all([slow.opened(), fast.opened()]);
    for (const c of [slow, fast]) {
      c.send({ type: 'auth', key: app.keys.secretKey });
      c.send({ type: 'subscribe', id: 't', query: 'session_timeline', args });
    }
    const length = (m: Received) => (m.value as { events?: unknown[] } | undefined)?.events?.length;
    await slow.waitFor((m) => length(m) === 2000);
    await fast.waitFor((m) => length(m) === 2000);
    slow.socket.pause();

    const updates = 15;
    const started = Date.now();
    for (let i = 1; i <= updates; i++) {
      await postEvent(app, event('big', { path: '/big' }));
      await fast.waitFor((m) => length(m) === 2000 + i, 5_000);
    }
    // The fast client kept up while the slow one read nothing.
    expect(Date.now() - started).toBeLessThan(15_000);
    slow.socket.resume();
    await slow.waitFor((m) => length(m) === 2000 + updates, 10_000);
    const slowResults = slow.messages.filter((m) => m.type === 'result').length;
    // Intermediate results were dropped for the slow client (kept only the latest).
    expect(slowResults).toBeLessThan(updates + 1);
    slow.close();
    fast.close();
  });
});
