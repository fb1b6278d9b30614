import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { POSTHOG_JS_VERSION } from '../../src/http/routes/posthog-static.js';
import { exportAll, startTestApp } from '../support/app.js';

const phEvent = (key: string, overrides: Record<string, unknown> = {}) => ({
  uuid: randomUUID(),
  event: '$pageview',
  timestamp: new Date().toISOString(),
  properties: {
    token: key,
    distinct_id: 'ph-user',
    $session_id: 'ph-session',
    $current_url: 'https://site.test/pricing?plan=pro',
    $referrer: '$direct',
  },
  ...overrides,
});

/** A raw GET whose path is sent exactly as written (fetch would resolve `..` first). */
function rawGet(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(base), { path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('PostHog routes', () => {
  let app: RunningSightline;
  let key: string;
  const post = (path: string, body: string | Buffer, contentType = 'application/json') =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  beforeAll(async () => {
    app = await startTestApp();
    key = app.keys.publicKey;
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores gzip sent as text/plain on /e/ (no query flag) as page_view with the url columns', async () => {
    const e = phEvent(key);
    const res = await post(
      '/e/?ip=0&ver=1.0',
      gzipSync(JSON.stringify({ api_key: key, batch: [e] })),
      'text/plain',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'Ok', accepted: 1, duplicates: 0, rejected: [] });
    const stored = (await exportAll(app)).find((x) => x['uuid'] === e.uuid);
    expect(stored).toMatchObject({
      event: 'page_view',
      distinct_id: 'ph-user',
      session_id: 'ph-session',
      url: 'https://site.test/pricing?plan=pro',
      path: '/pricing',
      referrer: '',
    });
    const { token: _key, ...properties } = e.properties;
    expect(stored!['properties']).toEqual(properties);
  });

  it('accepts every capture path with and without the trailing slash, and base64 forms', async () => {
    const uuids: string[] = [];
    for (const path of ['/e', '/i/v0/e/', '/i/v0/e', '/batch/', '/batch', '/capture/', '/capture']) {
      const e = phEvent(key, { event: 'custom' });
      uuids.push(e.uuid);
      const form = `data=${encodeURIComponent(Buffer.from(JSON.stringify([e])).toString('base64'))}`;
      const res = await post(`${path}?compression=base64`, form, 'application/x-www-form-urlencoded');
      expect(res.status, path).toBe(200);
    }
    const stored = (await exportAll(app)).filter((x) => uuids.includes(x['uuid'] as string));
    expect(stored).toHaveLength(uuids.length);
  });

  it('keeps the valid events of a batch (200) and answers 400 when none is valid', async () => {
    const good = phEvent(key);
    const mixed = await post('/batch/', JSON.stringify({ api_key: key, batch: [good, { event: 'no_id' }] }));
    expect(mixed.status).toBe(200);
    expect(await mixed.json()).toMatchObject({ status: 'Ok', accepted: 1, rejected: [{ index: 1 }] });
    const none = await post('/batch/', JSON.stringify({ api_key: key, batch: [{ event: 'no_id' }] }));
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: 'all_events_invalid' });
    const badKey = await post('/batch/', JSON.stringify({ api_key: 'sl_pub_nope', batch: [good] }));
    expect(badKey.status).toBe(401);
  });

  it('answers recordings on /s/ with 200, stores none and counts them in /healthz', async () => {
    const before = (await (await fetch(`${app.url}/healthz`)).json()) as Record<string, number>;
    const snapshot = phEvent(key, {
      event: '$snapshot',
      properties: { token: key, distinct_id: 'r', $snapshot_data: [] },
    });
    const res = await post(
      '/s/?compression=gzip-js',
      gzipSync(JSON.stringify([snapshot, snapshot])),
      'text/plain',
    );
    expect(res.status).toBe(200);
    const after = (await (await fetch(`${app.url}/healthz`)).json()) as Record<string, number>;
    expect(after['posthog_recording_events_dropped']! - before['posthog_recording_events_dropped']!).toBe(2);
    expect((await exportAll(app)).some((x) => x['uuid'] === snapshot.uuid)).toBe(false);
  });

  it('serves the remote config (JSON and script) that turns on compression and autocapture', async () => {
    const json = await fetch(`${app.url}/array/${key}/config`);
    expect(json.status).toBe(200);
    const config = (await json.json()) as Record<string, unknown>;
    expect(config).toMatchObject({
      supportedCompression: ['gzip-js'],
      autocapture_opt_out: false,
      analytics: { endpoint: '/i/v0/e/' },
      sessionRecording: false,
      siteApps: [],
    });
    const script = await fetch(`${app.url}/array/${key}/config.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const window: { _POSTHOG_REMOTE_CONFIG?: Record<string, { config: unknown }> } = {};
    new Function('window', await script.text())(window);
    expect(window._POSTHOG_REMOTE_CONFIG?.[key]?.config).toEqual(config);
    expect((await fetch(`${app.url}/array/sl_pub_nope/config`)).status).toBe(401);
  });

  it('answers flags and decide without any flag', async () => {
    const flags = await post('/flags/?v=2', JSON.stringify({ token: key, distinct_id: 'd' }));
    expect(await flags.json()).toEqual({ flags: {}, errorsWhileComputingFlags: false });
    const decide = await post('/decide', JSON.stringify({ token: key }));
    expect(await decide.json()).toMatchObject({
      featureFlags: {},
      featureFlagPayloads: {},
      autocapture_opt_out: false,
    });
  });

  it('serves posthog-js assets with caching headers and never outside its dist/', async () => {
    const array = await fetch(`${app.url}/static/array.js`);
    expect(array.status).toBe(200);
    expect(array.headers.get('content-type')).toMatch(/javascript/);
    expect(array.headers.get('cache-control')).not.toMatch(/immutable/);
    expect((await array.text()).length).toBeGreaterThan(10_000);
    const versioned = await fetch(`${app.url}/static/${POSTHOG_JS_VERSION}/web-vitals.js`);
    expect(versioned.status).toBe(200);
    expect(versioned.headers.get('cache-control')).toMatch(/immutable/);
    await versioned.arrayBuffer();
    for (const name of ['dead-clicks-autocapture.js', 'exception-autocapture.js', 'surveys.js']) {
      const res = await fetch(`${app.url}/static/${name}?v=${POSTHOG_JS_VERSION}`);
      expect(res.status, name).toBe(200);
      await res.arrayBuffer();
    }
    expect((await fetch(`${app.url}/static/0.0.1/web-vitals.js`)).status).toBe(404);
    expect((await fetch(`${app.url}/static/nope.js`)).status).toBe(404);
    for (const path of [
      '/static/..%2Fpackage.json',
      '/static/%2E%2E%2F%2E%2E%2Fpackage.json',
      '/static/../package.json',
      '/static/x/..%2F..%2Fpackage.json',
      '/static/.hidden.js',
      '/static/%E0%A4%A.js',
    ]) {
      expect(await rawGet(app.url, path), path).toBe(404);
    }
  });
});
