import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { eventBatch, postEvents, startTestApp } from '../support/app.js';

describe('POST /v1/query/<name> for the event queries', () => {
  let app: RunningSightline;
  const now = Date.now();
  beforeAll(async () => {
    app = await startTestApp();
    const steps = ['page_view', 'file_selected', 'upload_started'];
    const events = steps.map((event, i) => ({
      uuid: `e${i}`,
      event,
      distinct_id: 'd',
      session_id: 's1',
      timestamp: now - 60_000 + i * 1000,
    }));
    await postEvents(app, eventBatch(app.keys.publicKey, events));
  });
  afterAll(async () => {
    await app.close();
  });

  const query = async (name: string, args: unknown, key = app.keys.secretKey) => {
    const res = await fetch(`${app.url}/v1/query/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers every query name with its defaults', async () => {
    for (const name of [
      'overview',
      'timeseries',
      'top_events',
      'funnel',
      'drop_offs',
      'user_flow',
      'performance',
      'sessions',
    ]) {
      expect((await query(name, {})).status, name).toBe(200);
    }
    expect((await query('session_timeline', { session_id: 's1' })).body['events']).toHaveLength(3);
  });

  it('runs a funnel with custom steps', async () => {
    const { body } = await query('funnel', { time_range: '1h', steps: ['page_view', 'upload_started'] });
    expect(body['steps']).toMatchObject([
      { step: 'page_view', count: 1 },
      { step: 'upload_started', count: 1, median_time_to_convert_ms: 2000 },
    ]);
  });

  it('names the bad field in a 400', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['funnel', { steps: ['page_view'] }, /steps/],
      ['funnel', { unit: 'team' }, /unit/],
      ['timeseries', { interval: 'week' }, /interval/],
      ['timeseries', { time_range: '30d', interval: 'minute' }, /interval/],
      ['top_events', { limit: 0 }, /limit/],
      ['drop_offs', { threshold: 2 }, /threshold/],
      ['session_timeline', {}, /session_id/],
    ];
    for (const [name, args, field] of cases) {
      const { status, body } = await query(name, args);
      expect(status, name).toBe(400);
      expect(String(body['message']), name).toMatch(field);
    }
  });
});
