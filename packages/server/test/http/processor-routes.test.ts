import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from '../../../../e2e/support/sse-client.js';
import type { RunningSightline } from '../../src/app.js';
import { isHeldOut } from '../../src/processor/intervention-rules.js';
import type { InsightView } from '../../src/query/insights.js';
import type { InterventionRuleReport } from '../../src/query/interventions.js';

/** The JSON bodies these routes answer with. */
interface Body extends Record<string, unknown> {
  insights?: InsightView[];
  rules?: InterventionRuleReport[];
  sessions?: unknown[];
}

import { eventBatch, postEvents, startTestApp } from '../support/app.js';

const targeted = (prefix: string) =>
  Array.from({ length: 100 }, (_, i) => `${prefix}-${i}`).find((s) => !isHeldOut(s, 10))!;
const heldOut = (prefix: string) =>
  Array.from({ length: 500 }, (_, i) => `${prefix}-${i}`).find((s) => isHeldOut(s, 10))!;

let uuid = 0;
const event = (
  name: string,
  sessionId: string,
  properties: Record<string, unknown> = {},
  at = Date.now(),
) => ({
  uuid: `proc-route-${++uuid}`,
  event: name,
  distinct_id: `d-${sessionId}`,
  session_id: sessionId,
  timestamp: at,
  properties,
});

describe('insights, interventions and webhook routes', () => {
  let app: RunningSightline;
  const send = async (events: unknown[]) => {
    expect((await postEvents(app, eventBatch(app.keys.publicKey, events))).status).toBe(200);
    await app.processor.drain();
  };
  const call = async (method: string, path: string, body?: unknown, key = app.keys.secretKey) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Body };
  };
  const stream = (sessionId: string, key = app.keys.publicKey) =>
    openSse(
      `${app.url}/v1/interventions?session_id=${encodeURIComponent(sessionId)}&api_key=${encodeURIComponent(key)}`,
    );

  beforeAll(async () => {
    // The webhook test's receiver is on 127.0.0.1: allowed only with the operator's flag.
    process.env['SIGHTLINE_WEBHOOK_ALLOW_PRIVATE'] = '1';
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists insights newest first with filters, and acknowledges or resolves one', async () => {
    const now = Date.now();
    await send([
      event('error', 'ins-a', { message: 'x' }, now - 2000),
      event('page_performance', 'ins-b', { page_load_time: 9000 }, now - 1000),
    ]);
    const all = await call('POST', '/v1/query/insights', { time_range: '1h' });
    expect(all.status).toBe(200);
    const mine = all.body.insights!.filter((i) => ['ins-a', 'ins-b'].includes(i.session_id));
    expect(mine.map((i) => [i.session_id, i.data['risk_factors']])).toEqual([
      ['ins-b', ['slow_page']],
      ['ins-a', ['error_encountered']],
    ]);
    expect(mine[1]).toMatchObject({
      insight_type: 'user_at_risk',
      severity: 'high',
      status: 'open',
      time_range: 'real_time',
      data: { recommended_actions: ['Display better error recovery options'] },
    });
    const id = mine[1]!.id;
    expect(await call('POST', `/v1/insights/${id}/status`, { status: 'acknowledged' })).toEqual({
      status: 200,
      body: { id, status: 'acknowledged' },
    });
    const acknowledged = await call('POST', '/v1/query/insights', {
      time_range: '1h',
      status: 'acknowledged',
    });
    expect(acknowledged.body.insights!.map((i) => i.id)).toEqual([id]);
    const bySession = await call('POST', '/v1/query/insights', {
      time_range: '1h',
      session_id: 'ins-b',
      limit: 5,
    });
    expect(bySession.body['insights']).toHaveLength(1);
    expect((await call('POST', '/v1/insights/nope/status', { status: 'resolved' })).status).toBe(404);
    expect((await call('POST', `/v1/insights/${id}/status`, { status: 'done' })).body['error']).toBe(
      'invalid_arguments',
    );
    expect(
      (await call('POST', `/v1/insights/${id}/status`, { status: 'resolved' }, app.keys.publicKey)).status,
    ).toBe(401);
    const friction = await call('POST', '/v1/query/friction', { time_range: '1h', session_id: 'ins-a' });
    expect(friction.body['sessions']).toMatchObject([
      { session_id: 'ins-a', friction_score: 3, factors: { error_encountered: 1 } },
    ]);
  });

  it('pushes a session its own interventions over SSE, each once, pending ones on connect', async () => {
    const live = targeted('live');
    const other = targeted('other');
    const sse = await stream(live);
    expect(sse.status).toBe(200);
    const otherSse = await stream(other);
    const t = Date.now();
    await send(
      [0, 200, 400].map((dt, i) => event('user_click', live, { click_x: 50 + i, click_y: 50 }, t + dt)),
    );
    const message = await sse.next();
    expect(message.event).toBe('intervention');
    const payload = JSON.parse(message.data);
    expect(payload).toEqual({
      id: expect.any(String),
      action: 'tooltip',
      insight_type: 'user_at_risk',
      risk_factors: ['rage_click'],
      message: expect.any(String),
    });
    // Before connecting: kept pending, sent on connect, then never again.
    const later = targeted('later');
    await send([event('error', later)]);
    const first = await stream(later);
    expect(JSON.parse((await first.next()).data)).toMatchObject({ action: 'offer_support' });
    first.close();
    const again = await stream(later);
    await expect(again.next(700)).rejects.toThrow(/no SSE message/);
    again.close();
    expect(otherSse.buffered()).toEqual([]);
    otherSse.close();
    // The loop closes: shown and result are recorded.
    await send([
      event('$intervention_shown', live, { intervention_id: payload.id }),
      event('$intervention_result', live, { intervention_id: payload.id, result: 'dismissed' }),
    ]);
    sse.close();
    const report = await call('POST', '/v1/query/interventions', { time_range: '1h' });
    const tooltip = report.body.rules!.find((r) => r.rule_id === 'frustration_tooltip')!;
    expect(tooltip.targeted).toMatchObject({ sessions: 1, interventions: 1, delivered: 1, shown: 1 });
  });

  it('refuses streams without a session id or with a wrong key', async () => {
    expect((await stream('')).status).toBe(400);
    expect((await stream('s', app.keys.secretKey)).status).toBe(401);
    expect((await stream('s', 'sl_pub_unknown')).status).toBe(401);
  });

  it('compares journey completion of targeted and held-out sessions per rule', async () => {
    // The default project's key journey is the demo's (video_upload): the report counts that one.
    const [a, b] = [targeted('cmp'), heldOut('cmp')];
    const t = Date.now() - 10_000;
    await send(
      [a, b].flatMap((s, i) => [
        event('journey_started', s, { journey_name: 'video_upload', initial_step: 'pick' }, t),
        event('error', s, {}, t + 100),
        event(
          i === 0 ? 'journey_completed' : 'journey_abandoned',
          s,
          { journey_name: 'video_upload', abandon_reason: 'error' },
          t + 200,
        ),
      ]),
    );
    const report = await call('POST', '/v1/query/interventions', { time_range: '1h' });
    const support = report.body.rules!.find((r) => r.rule_id === 'error_support')!;
    expect(support.held_out).toMatchObject({
      sessions: 1,
      journeys: 1,
      completed_journeys: 0,
      completion_rate: 0,
      delivered: 0,
    });
    expect(support.targeted.journeys).toBeGreaterThanOrEqual(1);
    expect(support.targeted.completion_rate).toBeGreaterThan(0);
  });

  it('uses stored per-project rules', async () => {
    const rules = [
      { id: 'slow', when: ['slow_page'], action: 'banner', message: 'Thanks for your patience' },
    ];
    expect((await call('PUT', '/v1/intervention-rules', { rules })).status).toBe(200);
    expect((await call('GET', '/v1/intervention-rules')).body).toEqual({ rules, defaults: false });
    const s = targeted('rules');
    const sse = await stream(s);
    await send([event('page_performance', s, { page_load_time: 8000 })]);
    expect(JSON.parse((await sse.next()).data)).toMatchObject({
      action: 'banner',
      message: 'Thanks for your patience',
    });
    sse.close();
    expect((await call('PUT', '/v1/intervention-rules', { rules: null })).body['defaults']).toBe(true);
    expect((await call('PUT', '/v1/intervention-rules', { rules: [{ id: 'x' }] })).status).toBe(400);
  });

  it('POSTs new insights to the webhook with retries, without holding up processing', async () => {
    const received: Array<Record<string, unknown>> = [];
    let calls = 0;
    const hook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls++;
        if (calls <= 2) {
          res.writeHead(500).end();
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      expect((await call('PUT', '/v1/webhook', { url })).body).toEqual({ url });
      expect((await call('GET', '/v1/webhook')).body).toEqual({ url });
      expect((await call('PUT', '/v1/webhook', { url: 'ftp://x' })).status).toBe(400);
      await send([event('error', 'hooked')]);
      const deadline = Date.now() + 15_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(calls).toBe(3);
      expect(received[0]).toMatchObject({
        session_id: 'hooked',
        insight_type: 'user_at_risk',
        data: { risk_factors: ['error_encountered'] },
      });
      expect(received[0]).not.toHaveProperty('project_id');

      // A webhook that never answers does not slow the processor down.
      hook.removeAllListeners('request');
      hook.on('request', () => undefined);
      const started = performance.now();
      await send(Array.from({ length: 20 }, (_, i) => event('error', `hung-${i}`)));
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      await call('PUT', '/v1/webhook', { url: null });
      app.webhooks.stop();
      hook.closeAllConnections();
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });
});
