import { randomUUID } from 'node:crypto';
import { PostHog } from 'posthog-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { exportAll, startTestApp } from '../support/app.js';
import { type FlakyProxy, startFlakyProxy } from '../support/flaky-proxy.js';

type Exported = Record<string, unknown>;

/** posthog-node with fast retries, everything sent on flush/shutdown. */
function client(host: string, key: string): PostHog {
  return new PostHog(key, {
    host,
    flushAt: 100,
    flushInterval: 0,
    fetchRetryCount: 3,
    fetchRetryDelay: 20,
    disableGeoip: true,
  });
}

/** One of each call type for a fresh user; returns what the export must hold. */
async function sendEveryCallType(posthog: PostHog) {
  const user = `user-${randomUUID()}`;
  const session = `session-${randomUUID()}`;
  posthog.capture({
    distinctId: user,
    event: 'video_uploaded',
    properties: { $session_id: session, $current_url: 'https://app.test/upload?step=2', size: 42 },
  });
  posthog.capture({
    distinctId: user,
    event: '$pageview',
    properties: { $session_id: session, $current_url: 'https://app.test/home' },
  });
  posthog.identify({ distinctId: user, properties: { email: 'a@b.test' } });
  posthog.alias({ distinctId: user, alias: `${user}-alias` });
  posthog.groupIdentify({
    groupType: 'company',
    groupKey: 'acme',
    properties: { plan: 'pro' },
    distinctId: user,
  });
  await posthog.shutdown();
  return { user, session };
}

function expectEveryCallTypeOnce(events: Exported[], user: string, session: string): void {
  const mine = events.filter((e) => e['distinct_id'] === user);
  const byName = (name: string) => mine.filter((e) => e['event'] === name);
  expect(mine.map((e) => e['event']).sort()).toEqual(
    ['$create_alias', '$groupidentify', '$identify', 'page_view', 'video_uploaded'].sort(),
  );
  expect(byName('video_uploaded')[0]).toMatchObject({
    session_id: session,
    url: 'https://app.test/upload?step=2',
    path: '/upload',
    properties: { size: 42 },
  });
  expect(byName('page_view')[0]).toMatchObject({ session_id: session, url: 'https://app.test/home' });
  expect(byName('$identify')[0]!['properties']).toMatchObject({ $set: { email: 'a@b.test' } });
  expect(byName('$create_alias')[0]!['properties']).toMatchObject({ alias: `${user}-alias` });
  expect(byName('$groupidentify')[0]!['properties']).toMatchObject({
    $group_type: 'company',
    $group_key: 'acme',
    $group_set: { plan: 'pro' },
  });
  expect(new Set(mine.map((e) => e['uuid'])).size).toBe(mine.length);
}

describe('posthog-node against Sightline', () => {
  let app: RunningSightline;
  let proxy: FlakyProxy | undefined;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    delete process.env['POSTHOG_CAPTURE_MODE'];
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores every call type exactly once (capture v0: /batch/, gzip)', async () => {
    const { user, session } = await sendEveryCallType(client(app.url, app.keys.publicKey));
    const events = await exportAll(app);
    expectEveryCallTypeOnce(events, user, session);
    const custom = events.find((e) => e['distinct_id'] === user && e['event'] === 'video_uploaded')!;
    expect(custom['properties']).toMatchObject({ $lib: 'posthog-node' });
  });

  it('stores a batch once when 503s force retries, also a 503 sent after the batch was stored', async () => {
    proxy = await startFlakyProxy(app.url, ['after', 'before'], (method) => method === 'POST');
    const { user, session } = await sendEveryCallType(client(proxy.url, app.keys.publicKey));
    expect(proxy.seen.map((s) => s.status)).toEqual([503, 503, 200]);
    expectEveryCallTypeOnce(await exportAll(app), user, session);
  });

  it('speaks capture v1 (/i/v1/analytics/events, Bearer key) and survives 503s exactly once', async () => {
    process.env['POSTHOG_CAPTURE_MODE'] = 'v1';
    proxy = await startFlakyProxy(app.url, ['after', 'before'], (method) => method === 'POST');
    const errors: unknown[] = [];
    const posthog = client(proxy.url, app.keys.publicKey);
    posthog.on('error', (error) => errors.push(error));
    const { user, session } = await sendEveryCallType(posthog);
    expect(errors).toEqual([]);
    expect(proxy.seen.map((s) => `${s.path} ${s.status}`)).toEqual([
      '/i/v1/analytics/events 503',
      '/i/v1/analytics/events 503',
      '/i/v1/analytics/events 200',
    ]);
    expectEveryCallTypeOnce(await exportAll(app), user, session);
  });

  it('answers v1 with a per-uuid verdict: invalid events are dropped, the rest stored', async () => {
    const good = randomUUID();
    const bad = randomUUID();
    const res = await fetch(`${app.url}/i/v1/analytics/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.keys.publicKey}` },
      body: JSON.stringify({
        created_at: new Date().toISOString(),
        batch: [
          {
            uuid: good,
            event: 'ok_event',
            distinct_id: 'u1',
            timestamp: new Date().toISOString(),
            properties: {},
          },
          { uuid: bad, event: 'no_distinct_id', timestamp: new Date().toISOString(), properties: {} },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Record<string, { result: string }> };
    expect(body.results[good]).toEqual({ result: 'ok' });
    expect(body.results[bad]!.result).toBe('drop');
  });
});
