import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { eventBatch, startTestApp } from '../support/app.js';
import { openFrom } from './net-helpers.js';

describe('CORS without credentials, and no Referer leaving our answers', () => {
  let app: RunningSightline;
  const origin = 'https://shop.example';

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers a preflight for any site, without allowing credentials', async () => {
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('echoes the origin on capture, without credentials, with Referrer-Policy: no-referrer', async () => {
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { origin, 'content-type': 'text/plain' },
      body: eventBatch(app.keys.publicKey, [{ uuid: randomUUID(), event: 'e', distinct_id: 'd' }]),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('sends Referrer-Policy on errors, reads and the intervention stream (whose URL holds a key)', async () => {
    const missing = await fetch(`${app.url}/v1/nothing`, { headers: { origin } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('referrer-policy')).toBe('no-referrer');
    expect(missing.headers.get('access-control-allow-credentials')).toBeNull();
    const query = await fetch(`${app.url}/v1/query/dashboard`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time_range: '1h' }),
    });
    expect(query.headers.get('referrer-policy')).toBe('no-referrer');
    const stream = await openFrom(`${app.url}/v1/interventions?session_id=s&api_key=${app.keys.publicKey}`);
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['referrer-policy']).toBe('no-referrer');
    stream.destroy();
  });
});
