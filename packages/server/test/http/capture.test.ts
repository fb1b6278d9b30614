import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { eventBatch, exportAll, postEvents, startTestApp } from '../support/app.js';

const ev = (overrides: Record<string, unknown> = {}): Record<string, unknown> & { uuid: string } => ({
  uuid: randomUUID(),
  event: 'page_view',
  distinct_id: 'user-1',
  session_id: 'session-1',
  timestamp: Date.now(),
  ...overrides,
});

describe('POST /v1/events', () => {
  let app: RunningSightline;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores a JSON batch and answers 200 with the counts', async () => {
    const e = ev({ properties: { url: 'https://shop.test/cart?x=1', referrer: 'https://google.test/' } });
    const res = await postEvents(app, eventBatch(app.keys.publicKey, [e]));
    expect(res).toEqual({ status: 200, body: { accepted: 1, duplicates: 0, rejected: [] } });
    const stored = (await exportAll(app)).find((x) => x['uuid'] === e.uuid)!;
    expect(stored).toMatchObject({
      event: 'page_view',
      distinct_id: 'user-1',
      session_id: 'session-1',
      url: 'https://shop.test/cart?x=1',
      path: '/cart',
      referrer: 'https://google.test/',
      properties: e.properties,
    });
  });

  it('accepts gzip, also when labelled text/plain, and takes the key from a Bearer header', async () => {
    const e = ev();
    const body = gzipSync(JSON.stringify({ batch: [e] }));
    const res = await postEvents(app, body, {
      'content-type': 'text/plain',
      authorization: `Bearer ${app.keys.publicKey}`,
    });
    expect(res.status).toBe(200);
    expect(res.body['accepted']).toBe(1);
    expect((await exportAll(app)).some((x) => x['uuid'] === e.uuid)).toBe(true);
  });

  it('stores a retried batch once', async () => {
    const events = [ev(), ev(), ev()];
    const body = eventBatch(app.keys.publicKey, events);
    const first = await postEvents(app, body);
    const again = await postEvents(app, body);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(again.body).toMatchObject({ accepted: 3, duplicates: 3 });
    const uuids = (await exportAll(app)).map((x) => x['uuid']);
    for (const e of events) expect(uuids.filter((u) => u === e.uuid)).toHaveLength(1);
  });

  it('keeps the valid events of a mixed batch and reports the invalid ones by index and reason', async () => {
    const good1 = ev();
    const good2 = ev();
    const res = await postEvents(
      app,
      eventBatch(app.keys.publicKey, [
        good1,
        { event: 'no_ids' },
        good2,
        ev({ event: 'x'.repeat(300) }),
        'nope',
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body['accepted']).toBe(2);
    const rejected = res.body['rejected'] as Array<{ index: number; error: string }>;
    expect(rejected.map((r) => r.index)).toEqual([1, 3, 4]);
    expect(rejected[0]!.error).toMatch(/uuid/);
    expect(rejected[1]!.error).toMatch(/event must be at most 200 characters/);
    const uuids = (await exportAll(app)).map((x) => x['uuid']);
    expect(uuids).toContain(good1.uuid);
    expect(uuids).toContain(good2.uuid);
  });

  it('corrects client clock skew with sent_at', async () => {
    // The client's clock runs one hour behind: its timestamps and sent_at both say so.
    const skew = -3_600_000;
    const happened = Date.now() - 5_000;
    const e = ev({ timestamp: happened + skew });
    await postEvents(app, eventBatch(app.keys.publicKey, [e], { sent_at: Date.now() + skew }));
    const stored = (await exportAll(app)).find((x) => x['uuid'] === e.uuid)!;
    expect(Math.abs((stored['timestamp'] as number) - happened)).toBeLessThan(2_000);
  });

  it('leaves timestamps alone when sent_at differs from arrival only by transit time', async () => {
    const happened = Date.now() - 60_000;
    const e = ev({ timestamp: happened });
    await postEvents(app, eventBatch(app.keys.publicKey, [e], { sent_at: Date.now() - 400 }));
    const stored = (await exportAll(app)).find((x) => x['uuid'] === e.uuid)!;
    expect(stored['timestamp']).toBe(happened);
  });

  it('accepts ISO-8601 timestamps and fills browser fields from the User-Agent', async () => {
    const e = ev({ timestamp: '2026-01-02T03:04:05.678Z' });
    const res = await postEvents(app, eventBatch(app.keys.publicKey, [e]), {
      'content-type': 'application/json',
      'user-agent':
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
    });
    expect(res.status).toBe(200);
    const stored = (await exportAll(app)).find((x) => x['uuid'] === e.uuid)!;
    expect(stored).toMatchObject({
      timestamp: Date.parse('2026-01-02T03:04:05.678Z'),
      browser: 'Chrome',
      os: 'Linux',
    });
  });

  it('answers CORS preflights and echoes the Origin', async () => {
    const pre = await fetch(`${app.url}/v1/events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://site.test', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://site.test');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { origin: 'https://site.test', 'content-type': 'text/plain' },
      body: eventBatch(app.keys.publicKey, [ev()]),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://site.test');
  });

  it('refuses an unknown key with 401 and stores nothing', async () => {
    const e = ev();
    const res = await postEvents(app, eventBatch('sl_pub_nope', [e]));
    expect(res.status).toBe(401);
    expect(res.body['error']).toBe('invalid_api_key');
    const missing = await postEvents(app, JSON.stringify({ batch: [ev()] }));
    expect(missing.body['error']).toBe('missing_api_key');
    expect((await exportAll(app)).some((x) => x['uuid'] === e.uuid)).toBe(false);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(await res.json()).toMatchObject({ ok: true });
  });
});
