import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { eventBatch, exportAll, postEvents, startTestApp } from '../support/app.js';

const MiB = 1024 * 1024;

describe('hostile bodies get a 4xx JSON error and the server keeps serving', () => {
  let app: RunningSightline;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp();
    key = app.keys.publicKey;
  });
  afterAll(async () => {
    await app.close();
  });

  const valid = () => eventBatch(key, [{ uuid: randomUUID(), event: 'ok', distinct_id: 'd' }]);

  const cases: Array<{
    name: string;
    body: () => Buffer | string;
    headers?: Record<string, string>;
    status: number;
    code: string;
  }> = [
    {
      name: 'truncated gzip',
      body: () => gzipSync(valid()).subarray(0, 20),
      headers: { 'content-type': 'text/plain' },
      status: 400,
      code: 'invalid_gzip',
    },
    {
      name: 'a gzip bomb (100 MiB of zeros in ~100 KB)',
      body: () => gzipSync(Buffer.alloc(100 * MiB)),
      headers: { 'content-type': 'text/plain' },
      status: 413,
      code: 'body_too_large',
    },
    {
      name: 'deeply nested JSON (200,000 levels)',
      body: () =>
        `{"api_key":"${key}","batch":[{"uuid":"u","event":"e","distinct_id":"d","properties":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}]}`,
      status: 400,
      code: 'all_events_invalid',
    },
    {
      name: 'a deeply nested array as the whole body',
      body: () => `${'['.repeat(500_000)}${']'.repeat(500_000)}`,
      status: 400,
      code: 'invalid_batch',
    },
    {
      name: 'invalid UTF-8',
      body: () =>
        Buffer.concat([
          Buffer.from(`{"api_key":"${key}","batch":[{"uuid":"`),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('","event":"e","distinct_id":"d"}]}'),
        ]),
      status: 400,
      code: 'invalid_utf8',
    },
    { name: 'a 25 MiB body', body: () => Buffer.alloc(25 * MiB, 0x20), status: 413, code: 'body_too_large' },
    { name: 'an empty body', body: () => '', status: 400, code: 'empty_body' },
    { name: 'malformed JSON', body: () => '{"api_key": "x", "batch": [', status: 400, code: 'invalid_json' },
    { name: 'JSON that is no batch', body: () => '{"hello":"world"}', status: 400, code: 'invalid_batch' },
    {
      name: 'a wrong content type',
      body: valid,
      headers: { 'content-type': 'application/xml' },
      status: 415,
      code: 'unsupported_content_type',
    },
    {
      name: 'an event name of 10,000 characters',
      body: () => eventBatch(key, [{ uuid: randomUUID(), event: 'x'.repeat(10_000), distinct_id: 'd' }]),
      status: 400,
      code: 'all_events_invalid',
    },
    {
      name: 'an event over 1 MiB',
      body: () =>
        eventBatch(key, [
          { uuid: randomUUID(), event: 'big', distinct_id: 'd', properties: { blob: 'x'.repeat(MiB + 10) } },
        ]),
      status: 413,
      code: 'event_too_large',
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      const res = await fetch(`${app.url}/v1/events`, {
        method: 'POST',
        headers: c.headers ?? { 'content-type': 'application/json' },
        body: ((b) => (typeof b === 'string' ? b : new Uint8Array(b)))(c.body()),
      });
      expect(res.status).toBe(c.status);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe(c.code);
      expect(body.message.length).toBeGreaterThan(0);
      // Still up, and still storing.
      const after = await postEvents(app, valid());
      expect(after.status).toBe(200);
      expect(after.body['accepted']).toBe(1);
    });
  }

  it('an oversized event inside a batch costs only itself', async () => {
    const good = { uuid: randomUUID(), event: 'kept', distinct_id: 'd' };
    const big = {
      uuid: randomUUID(),
      event: 'big',
      distinct_id: 'd',
      properties: { blob: 'x'.repeat(MiB + 10) },
    };
    const res = await postEvents(app, eventBatch(key, [big, good]));
    expect(res.status).toBe(200);
    expect(res.body['rejected']).toEqual([expect.objectContaining({ index: 0, code: 'event_too_large' })]);
    expect((await exportAll(app)).some((e) => e['uuid'] === good.uuid)).toBe(true);
  });
});
