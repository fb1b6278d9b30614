import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { eventBatch, postEvents, startTestApp } from '../support/app.js';

describe('POST /v1/query/dashboard', () => {
  let app: RunningSightline;
  const now = Date.now();
  beforeAll(async () => {
    app = await startTestApp();
    const events = [
      ...['s1', 's1', 's2', 's3'].map((s, i) => ({
        uuid: `pv${i}`,
        event: 'page_view',
        distinct_id: 'd',
        session_id: s,
        timestamp: now - 60_000,
      })),
      ...['s1', 's2'].map((s, i) => ({
        uuid: `click${i}`,
        event: 'user_click',
        distinct_id: 'd',
        session_id: s,
        timestamp: now - 60_000,
      })),
      { uuid: 'err', event: 'error', distinct_id: 'd', session_id: 's4', timestamp: now - 60_000 },
      { uuid: 'old', event: 'page_view', distinct_id: 'd', session_id: 's9', timestamp: now - 3 * 3_600_000 },
      {
        uuid: 'older',
        event: 'ancient',
        distinct_id: 'd',
        session_id: 's9',
        timestamp: now - 10 * 86_400_000,
      },
    ];
    await postEvents(app, eventBatch(app.keys.publicKey, events));
  });
  afterAll(async () => {
    await app.close();
  });

  const dashboard = async (args: unknown) => {
    const res = await fetch(`${app.url}/v1/query/dashboard`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('counts events and sessions in the last hour, top events most first', async () => {
    const { status, body } = await dashboard({ time_range: '1h' });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      total_events: 7,
      unique_sessions: 4,
      avg_events_per_session: 7 / 4,
      top_events: [
        { name: 'page_view', count: 4 },
        { name: 'user_click', count: 2 },
        { name: 'error', count: 1 },
      ],
    });
  });

  it('widens with the time range', async () => {
    expect((await dashboard({ time_range: '24h' })).body['total_events']).toBe(8);
    expect((await dashboard({ time_range: '30d' })).body['total_events']).toBe(9);
    const custom = await dashboard({ time_range: { from: now - 4 * 3_600_000, to: now - 2 * 3_600_000 } });
    expect(custom.body).toMatchObject({ total_events: 1, unique_sessions: 1 });
  });

  it('refuses bad arguments with a message naming the field, and unknown queries with 404', async () => {
    const bad = await dashboard({ time_range: '2y' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_arguments' });
    expect(String(bad.body['message'])).toMatch(/time_range/);
    const res = await fetch(`${app.url}/v1/query/nope`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.keys.secretKey}` },
      body: '{}',
    });
    expect(res.status).toBe(404);
  });
});
