// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { beacon, classifyStatus, envelope, KEEPALIVE_MAX_BYTES, post } from '../src/core/transport.js';
import type { CapturedEvent } from '../src/index.js';
import { stubFetch } from './support/capture.js';

const event = (n: number, padding = ''): CapturedEvent => ({
  uuid: `u${n}`,
  event: 'e',
  timestamp: n,
  distinct_id: 'd',
  session_id: 's',
  properties: { padding },
});

describe('transport', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('classifies answers: 2xx ok; network, 429 and 5xx retried; 413 split; other 4xx dropped', () => {
    expect(classifyStatus(200)).toBe('ok');
    for (const status of [0, 429, 500, 502, 503]) expect(classifyStatus(status)).toBe('retry');
    expect(classifyStatus(413)).toBe('too_large');
    for (const status of [400, 401, 404, 415]) expect(classifyStatus(status)).toBe('drop');
  });

  it('posts gzip bytes as text/plain with keepalive, no credentials', async () => {
    const server = stubFetch();
    const body = envelope('pk', [event(1)]);
    expect(await post('https://h/v1/events', body, true)).toEqual({
      outcome: 'ok',
      status: 200,
      retryAfter: 0,
    });
    const [request] = server.requests;
    expect(request!.gzip).toBe(true);
    expect(request!.body).toEqual(JSON.parse(body));
    expect(request!.init).toMatchObject({
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
    });
  });

  it('sends plain JSON when compression is off or unavailable', async () => {
    const server = stubFetch();
    await post('https://h/v1/events', envelope('pk', [event(1)]), false);
    vi.stubGlobal('CompressionStream', undefined);
    await post('https://h/v1/events', envelope('pk', [event(2)]), true);
    expect(server.requests.map((r) => [r.gzip, typeof r.init.body])).toEqual([
      [false, 'string'],
      [false, 'string'],
    ]);
  });

  it('skips keepalive when the body is over the 64 KiB quota', async () => {
    const server = stubFetch();
    await post('https://h/v1/events', envelope('pk', [event(1, 'x'.repeat(KEEPALIVE_MAX_BYTES))]), false);
    expect(server.requests[0]!.init.keepalive).toBe(false);
  });

  it('reports network errors as retryable and reads Retry-After', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await post('https://h', '{}', false)).toEqual({ outcome: 'retry', status: 0, retryAfter: 0 });
    vi.stubGlobal('fetch', async () => new Response('{}', { status: 429, headers: { 'Retry-After': '7' } }));
    expect(await post('https://h', '{}', false)).toEqual({ outcome: 'retry', status: 429, retryAfter: 7000 });
  });

  it('splits beacons so that each fits the keepalive quota', () => {
    const sent: string[] = [];
    const sendBeacon = vi.fn((_url: string, body: string) => sent.push(body) > 0);
    vi.stubGlobal('navigator', { sendBeacon });
    const batch = Array.from({ length: 8 }, (_, n) => event(n, 'x'.repeat(20_000)));
    expect(beacon('https://h/v1/events', 'pk', batch)).toBe(true);
    expect(sent.length).toBeGreaterThan(2);
    for (const body of sent) expect(new Blob([body]).size).toBeLessThanOrEqual(KEEPALIVE_MAX_BYTES);
    const uuids = sent.flatMap((body) => JSON.parse(body).batch.map((e: CapturedEvent) => e.uuid));
    expect(uuids).toEqual(batch.map((e) => e.uuid));
    expect(JSON.parse(sent[0]!)).toMatchObject({ api_key: 'pk', sent_at: expect.any(Number) });
  });
});
