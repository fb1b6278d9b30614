import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePostHogBody as decodeWithCuts } from '../../src/ingest/posthog/decode.js';

/** The decoded body (events cut for their size are tested in json-scan.test.ts). */
const decodePostHogBody = async (...args: Parameters<typeof decodeWithCuts>) =>
  (await decodeWithCuts(...args)).body;

import { parsePostHogEnvelope } from '../../src/ingest/posthog/envelope.js';
import { postHogCandidate } from '../../src/ingest/posthog/events.js';

const event = {
  event: '$pageview',
  uuid: '0193a1b2-0000-7000-8000-000000000001',
  timestamp: '2026-01-02T03:04:05.678Z',
  properties: { distinct_id: 'd1', token: 'sl_pub_k', $session_id: 's1', $current_url: 'https://a.test/p' },
};
const batch = { api_key: 'sl_pub_k', batch: [event], sent_at: '2026-01-02T03:04:06.000Z' };
const FORM = 'application/x-www-form-urlencoded';

describe('decodePostHogBody', () => {
  it('reads plain JSON', async () => {
    expect(await decodePostHogBody(Buffer.from(JSON.stringify(batch)), 'application/json', null)).toEqual(
      batch,
    );
  });

  it('reads a base64 form body (?compression=base64), also with unescaped + turned into spaces', async () => {
    const json = JSON.stringify({ ...batch, note: 'ü>>>?' });
    const b64 = Buffer.from(json).toString('base64');
    expect(b64).toContain('+');
    const escaped = Buffer.from(`data=${encodeURIComponent(b64)}`);
    expect(await decodePostHogBody(escaped, FORM, 'base64')).toEqual(JSON.parse(json));
    const unescaped = Buffer.from(`data=${b64}`);
    expect(await decodePostHogBody(unescaped, FORM, 'base64')).toEqual(JSON.parse(json));
  });

  it('reads gzip-js, and gzip sent as text/plain without any query flag', async () => {
    const gz = gzipSync(JSON.stringify(batch));
    expect(await decodePostHogBody(gz, 'text/plain', 'gzip-js')).toEqual(batch);
    expect(await decodePostHogBody(gz, 'text/plain', null)).toEqual(batch);
  });

  it('reads a form body carrying plain JSON (old clients) and refuses lz64', async () => {
    const body = Buffer.from(`data=${encodeURIComponent(JSON.stringify(batch))}`);
    expect(await decodePostHogBody(body, FORM, null)).toEqual(batch);
    await expect(decodePostHogBody(body, FORM, 'lz64')).rejects.toMatchObject({
      code: 'unsupported_content_type',
    });
  });

  it('refuses empty bodies, forms without data and broken JSON', async () => {
    await expect(decodePostHogBody(Buffer.alloc(0), 'text/plain', null)).rejects.toMatchObject({
      code: 'empty_body',
    });
    await expect(decodePostHogBody(Buffer.from('x=1'), FORM, null)).rejects.toMatchObject({
      code: 'invalid_batch',
    });
    await expect(decodePostHogBody(Buffer.from('{"a":'), 'text/plain', null)).rejects.toMatchObject({
      code: 'invalid_json',
    });
  });
});

describe('parsePostHogEnvelope', () => {
  it('reads the batch envelope', () => {
    expect(parsePostHogEnvelope(batch, null)).toEqual({
      apiKey: 'sl_pub_k',
      events: [event],
      sentAt: Date.parse(batch.sent_at),
    });
  });

  it('reads a single event with the token inside its properties', () => {
    expect(parsePostHogEnvelope(event, null)).toEqual({
      apiKey: 'sl_pub_k',
      events: [event],
      sentAt: undefined,
    });
  });

  it('reads a bare array (what /s/ gets), with sent_at from the URL', () => {
    const parsed = parsePostHogEnvelope([event, event], '1767323046000');
    expect(parsed).toEqual({ apiKey: 'sl_pub_k', events: [event, event], sentAt: 1767323046000 });
  });

  it('takes a top-level token and refuses what is no PostHog payload', () => {
    expect(parsePostHogEnvelope({ token: 't', event: 'x' }, null).apiKey).toBe('t');
    expect(() => parsePostHogEnvelope({ hello: 1 }, null)).toThrow(/not a PostHog payload/);
    expect(() => parsePostHogEnvelope('text', null)).toThrow(/not a PostHog payload/);
  });
});

describe('postHogCandidate', () => {
  const now = Date.parse('2026-01-02T03:05:00.000Z');

  it('maps $pageview to page_view, reads distinct_id and session from properties, drops the token', () => {
    const { value } = postHogCandidate(event, 0, now);
    expect(value).toEqual({
      uuid: event.uuid,
      event: 'page_view',
      distinct_id: 'd1',
      session_id: 's1',
      timestamp: event.timestamp,
      properties: { distinct_id: 'd1', $session_id: 's1', $current_url: 'https://a.test/p' },
    });
  });

  it('derives a deterministic uuid when none is sent: a byte-identical retry gets the same one', () => {
    const { uuid: _drop, ...withoutUuid } = event;
    const first = postHogCandidate(JSON.parse(JSON.stringify(withoutUuid)), 0, now).value as { uuid: string };
    const retry = postHogCandidate(JSON.parse(JSON.stringify(withoutUuid)), 0, now + 5_000).value as {
      uuid: string;
    };
    const other = postHogCandidate({ ...withoutUuid, event: 'other' }, 0, now).value as { uuid: string };
    expect(first.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(retry.uuid).toBe(first.uuid);
    expect(other.uuid).not.toBe(first.uuid);
  });

  it('places an event with only offset at arrival - offset, without skew correction', () => {
    const { value, sentAt } = postHogCandidate({ event: 'e', distinct_id: 'd', offset: 1500 }, 3, now);
    expect(value).toMatchObject({ timestamp: now - 1500 });
    expect(sentAt).toBeNull();
  });

  it('folds top-level $set / $set_once into properties and keeps everything else', () => {
    const { value } = postHogCandidate(
      {
        event: '$identify',
        distinct_id: 'd',
        properties: { $set: { a: 1 }, x: 2 },
        $set: { b: 2 },
        $set_once: { c: 3 },
      },
      0,
      now,
    );
    expect((value as { properties: unknown }).properties).toEqual({
      $set: { a: 1, b: 2 },
      x: 2,
      $set_once: { c: 3 },
    });
  });

  it('reads $raw_user_agent and turns $direct into an empty referrer', () => {
    const ua =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
    const { hints } = postHogCandidate(
      { event: 'e', properties: { distinct_id: 'd', $raw_user_agent: ua, $referrer: '$direct' } },
      0,
      now,
    );
    expect(hints).toEqual({ userAgent: ua, referrer: '' });
  });
});
