import { randomUUID } from 'node:crypto';
import type { InsightGroupsResult, InsightsResult } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { createProject, type ProjectKeys } from '../../src/projects/default-project.js';
import { eventBatch, postEvents, startTestApp } from '../support/app.js';

const PROBLEM = 'user_at_risk:rage_click:/upload';

/** A visit to /upload that rage-clicks the upload button (4 clicks on one spot within 1 s). */
function rageSession(sessionId: string, start: number) {
  const event = (name: string, t: number, props: Record<string, unknown> = {}) => ({
    uuid: randomUUID(),
    event: name,
    distinct_id: `user-${sessionId}`,
    session_id: sessionId,
    timestamp: t,
    properties: { url: 'https://shop.example/upload', path: '/upload', ...props },
  });
  return [
    event('page_view', start),
    ...[0, 1, 2, 3].map((i) => event('user_click', start + 1000 + i * 150, { x: 420 + i, y: 310 })),
  ];
}

/** A visit to /checkout with a JavaScript error: another problem. */
function errorSession(sessionId: string, start: number) {
  return [
    {
      uuid: randomUUID(),
      event: 'error',
      distinct_id: `user-${sessionId}`,
      session_id: sessionId,
      timestamp: start,
      properties: { url: 'https://shop.example/checkout', path: '/checkout', message: 'boom' },
    },
  ];
}

describe('problem groups over HTTP: the processor keys them, PUT /v1/insight-groups/status decides them', () => {
  let app: RunningSightline;
  let shop: ProjectKeys;
  const start = Date.now() - 10 * 60_000;

  const send = async (apiKey: string, events: unknown[]) => {
    expect((await postEvents(app, eventBatch(apiKey, events))).status).toBe(200);
    await app.processor.drain();
  };
  const query = async <T>(name: string, args: unknown, secret = app.keys.secretKey): Promise<T> => {
    const res = await fetch(`${app.url}/v1/query/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const putStatus = (body: unknown, secret = app.keys.secretKey) =>
    fetch(`${app.url}/v1/insight-groups/status`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const group = async (secret = app.keys.secretKey) =>
    (await query<InsightGroupsResult>('insight_groups', { time_range: '1h' }, secret)).groups.find(
      (g) => g.problem === PROBLEM,
    );

  beforeAll(async () => {
    app = await startTestApp();
    shop = await createProject(app.engine, 'shop', 'Shop');
    await app.projects.reload();
    for (const key of [app.keys.publicKey, shop.publicKey]) {
      await send(key, [
        ...['a', 'b', 'c'].flatMap((s, i) => rageSession(`rage-${s}`, start + i * 5000)),
        ...errorSession('err-a', start + 20_000),
      ]);
    }
  });
  afterAll(() => app?.close());

  it('groups identical problems: one line per type + factor + page path', async () => {
    const result = await query<InsightGroupsResult>('insight_groups', { time_range: '1h' });
    expect(result.groups.map((g) => [g.problem, g.sessions, g.insights, g.status])).toEqual([
      [PROBLEM, 3, 3, 'open'],
      ['user_at_risk:error_encountered:/checkout', 1, 1, 'open'],
    ]);
    const drill = await query<InsightsResult>('insights', { time_range: '1h', problem: PROBLEM });
    expect(drill.insights.map((i) => i.session_id).sort()).toEqual(['rage-a', 'rage-b', 'rage-c']);
    expect(drill.insights[0]!.data).toMatchObject({
      problem: PROBLEM,
      factor: 'rage_click',
      path: '/upload',
    });
  });

  it('resolves every insight of the group, re-opens it when the problem comes back, other projects untouched', async () => {
    const res = await putStatus({ problem: PROBLEM, status: 'resolved' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ problem: PROBLEM, status: 'resolved', updated: 3 });
    expect(await group()).toMatchObject({ status: 'resolved', open: 0, reopened: false });
    const others = await query<InsightGroupsResult>('insight_groups', { time_range: '1h' });
    expect(others.groups.find((g) => g.factor === 'error_encountered')).toMatchObject({ status: 'open' });
    expect(await group(shop.secretKey)).toMatchObject({ status: 'open', open: 3 });

    // The same problem again, in a new session: the group is open again, and says so.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await send(app.keys.publicKey, rageSession('rage-d', start + 60_000));
    expect(await group()).toMatchObject({
      status: 'open',
      open: 1,
      insights: 4,
      sessions: 4,
      reopened: true,
    });
    const shopInsights = await query<InsightsResult>('insights', { time_range: '1h' }, shop.secretKey);
    expect(shopInsights.counts.by_status).toEqual({ open: 4, acknowledged: 0, resolved: 0 });
  });

  it('answers 404 for a problem the project does not have, 400 for a bad body, 401 without the secret key', async () => {
    expect(
      (await putStatus({ problem: 'user_at_risk:rage_click:/nowhere', status: 'resolved' })).status,
    ).toBe(404);
    expect((await putStatus({ problem: PROBLEM, status: 'done' })).status).toBe(400);
    expect((await putStatus({ problem: PROBLEM, status: 'resolved' }, app.keys.publicKey)).status).toBe(401);
  });
});
