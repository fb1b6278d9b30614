import { randomUUID } from 'node:crypto';
import { Analytics } from '@segment/analytics-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { exportAll, startTestApp } from '../support/app.js';
import { type FlakyProxy, startFlakyProxy } from '../support/flaky-proxy.js';

type Exported = Record<string, unknown>;
const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** One of each Segment call for a fresh user, through @segment/analytics-node. */
async function sendEveryCallType(host: string, writeKey: string) {
  const analytics = new Analytics({ writeKey, host, flushAt: 100, flushInterval: 60_000, maxRetries: 3 });
  const userId = `user-${randomUUID()}`;
  const sessionId = `session-${randomUUID()}`;
  const context = {
    sessionId,
    userAgent: UA,
    page: { url: 'https://shop.test/cart?x=1', path: '/cart', referrer: 'https://ref.test/' },
  };
  analytics.track({ userId, event: 'Order Completed', properties: { total: 30 }, context });
  analytics.page({ userId, name: 'Cart', properties: { title: 'Your cart' }, context });
  analytics.screen({ userId, name: 'Home', context });
  analytics.identify({ userId, anonymousId: 'anon-1', traits: { plan: 'pro' }, context });
  analytics.group({ userId, groupId: 'acme', traits: { seats: 5 }, context });
  analytics.alias({ userId, previousId: 'anon-1', context });
  await analytics.closeAndFlush({ timeout: 30_000 });
  return { userId, sessionId };
}

function expectEveryCallTypeOnce(events: Exported[], userId: string, sessionId: string): void {
  const mine = events.filter((e) => e['distinct_id'] === userId);
  expect(mine.map((e) => e['event']).sort()).toEqual(
    ['$create_alias', '$groupidentify', '$identify', 'Order Completed', 'page_view', 'screen_view'].sort(),
  );
  for (const event of mine) {
    expect(event).toMatchObject({
      session_id: sessionId,
      url: 'https://shop.test/cart?x=1',
      path: '/cart',
      referrer: 'https://ref.test/',
      browser: 'Chrome',
      os: 'Mac OS',
    });
  }
  const byName = (name: string) => mine.find((e) => e['event'] === name)!['properties'];
  expect(byName('Order Completed')).toEqual({ total: 30 });
  expect(byName('page_view')).toEqual({ title: 'Your cart', name: 'Cart' });
  expect(byName('screen_view')).toEqual({ name: 'Home' });
  expect(byName('$identify')).toEqual({ $set: { plan: 'pro' }, $anon_distinct_id: 'anon-1' });
  expect(byName('$groupidentify')).toEqual({
    $group_type: 'group',
    $group_key: 'acme',
    $group_set: { seats: 5 },
  });
  expect(byName('$create_alias')).toEqual({ alias: 'anon-1' });
}

describe('@segment/analytics-node against Sightline', () => {
  let app: RunningSightline;
  let proxy: FlakyProxy | undefined;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores track, page, screen, identify, group and alias exactly once each', async () => {
    const { userId, sessionId } = await sendEveryCallType(app.url, app.keys.publicKey);
    expectEveryCallTypeOnce(await exportAll(app), userId, sessionId);
  });

  it('stores a batch once when 503s force retries, also a 503 sent after the batch was stored', async () => {
    proxy = await startFlakyProxy(app.url, ['before', 'after'], (method) => method === 'POST');
    const { userId, sessionId } = await sendEveryCallType(proxy.url, app.keys.publicKey);
    expect(proxy.seen.map((s) => s.status)).toEqual([503, 503, 200]);
    expectEveryCallTypeOnce(await exportAll(app), userId, sessionId);
  });

  it('answers the single-call routes, takes writeKey from the body, and refuses an unknown key', async () => {
    const messageId = randomUUID();
    const track = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const message = {
      messageId,
      anonymousId: 'anon-9',
      event: 'Clicked',
      timestamp: new Date().toISOString(),
    };
    const ok = await track({ ...message, writeKey: app.keys.publicKey });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ success: true, accepted: 1, duplicates: 0 });
    const again = await track(message, {
      authorization: `Basic ${Buffer.from(`${app.keys.publicKey}:`).toString('base64')}`,
    });
    expect(await again.json()).toMatchObject({ success: true, accepted: 1, duplicates: 1 });
    const stored = (await exportAll(app)).filter((e) => e['uuid'] === messageId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ event: 'Clicked', distinct_id: 'anon-9', session_id: '' });
    const refused = await track(message, {
      authorization: `Basic ${Buffer.from('nope:').toString('base64')}`,
    });
    expect(refused.status).toBe(401);
  });

  it("accepts analytics.js's one-letter paths with the write key in a text/plain body", async () => {
    const messageId = randomUUID();
    const res = await fetch(`${app.url}/v1/p`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        writeKey: app.keys.publicKey,
        messageId,
        anonymousId: 'anon-browser',
        name: 'Pricing',
        properties: { url: 'https://shop.test/pricing', path: '/pricing' },
        integrations: { 'Actions Amplitude': { session_id: 1767323046000 } },
        sentAt: new Date().toISOString(),
      }),
    });
    expect(res.status).toBe(200);
    const stored = (await exportAll(app)).find((e) => e['uuid'] === messageId);
    expect(stored).toMatchObject({
      event: 'page_view',
      distinct_id: 'anon-browser',
      session_id: '1767323046000',
      url: 'https://shop.test/pricing',
      path: '/pricing',
      properties: { url: 'https://shop.test/pricing', path: '/pricing', name: 'Pricing' },
    });
  });

  it('rejects unknown message types inside a batch and keeps the rest', async () => {
    const res = await fetch(`${app.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        writeKey: app.keys.publicKey,
        batch: [
          { type: 'track', event: 'Kept', userId: 'u-batch', messageId: randomUUID() },
          { type: 'bogus', userId: 'u-batch' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      accepted: number;
      rejected: Array<{ index: number; error: string }>;
    };
    expect(body.accepted).toBe(1);
    expect(body.rejected[0]).toMatchObject({ index: 1 });
    expect(body.rejected[0]!.error).toMatch(/type must be one of/);
  });
});
