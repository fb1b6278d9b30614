import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ERROR_CODES, LIMITS } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { createRng, type Rng } from '../../src/simulate/prng.js';
import { exportAll } from '../support/app.js';
import { type AppEngine, startAppOn } from '../support/app-engines.js';
import { type Fuzz, fuzzId, fuzzTime, fuzzValue, Raw, toJson } from './fuzz-values.js';

const REJECTED_CODES = new Set([
  'invalid_event',
  'event_too_large',
  'invalid_timestamp',
  'invalid_value',
  'too_complex',
  'storage_rejected',
]);

interface Sent {
  path: string;
  body: Buffer | string;
  headers: Record<string, string>;
  /** Native events whose uuid is fresh, by index, as the server parses them. */
  tracked: Map<number, { uuid: string; value: Record<string, unknown>; sentAtGiven: boolean }>;
}

function nativeRequest(rng: Rng, key: string, now: number): Sent {
  const tracked: Sent['tracked'] = new Map();
  const events: string[] = [];
  const sentAt = rng.chance(0.5) ? undefined : fuzzTime(rng, now, rng.chance(0.3));
  for (let i = rng.int(1, 8); i > 0; i--) {
    const uuid = randomUUID();
    // Each field is wild (possibly invalid) with a small chance, so most events are valid but odd.
    const wild = () => rng.chance(0.06);
    const fields: Record<string, Fuzz> = {
      uuid: wild() ? fuzzId(rng, uuid, true) : uuid,
      event: rng.chance(0.85)
        ? rng.pick(['page_view', 'click', 'é日本', 'nul\u0000'])
        : fuzzId(rng, 'e', wild()),
      distinct_id: fuzzId(rng, 'fuzzer', wild()),
    };
    if (rng.chance(0.8)) fields['session_id'] = fuzzId(rng, `s${rng.int(0, 20)}`, wild());
    const ts = fuzzTime(rng, now, wild());
    if (ts !== undefined) fields['timestamp'] = ts;
    if (rng.chance(0.9)) {
      const props: Record<string, Fuzz> = {};
      for (let k = rng.int(0, 6); k > 0; k--) props[`p${k}`] = fuzzValue(rng, wild());
      fields['properties'] = rng.chance(0.03) ? fuzzValue(rng, true) : props;
    }
    const text = toJson(fields);
    if (fields['uuid'] === uuid) {
      try {
        const value = JSON.parse(text) as Record<string, unknown>;
        tracked.set(events.length, { uuid, value, sentAtGiven: sentAt !== undefined });
      } catch {
        // Not JSON the server could read either: it is refused with the whole body.
      }
    }
    events.push(text);
  }
  const envelope = `{"api_key":${JSON.stringify(key)},"batch":[${events.join(',')}]${sentAt === undefined ? '' : `,"sent_at":${toJson(sentAt)}`}}`;
  return { path: '/v1/events', body: envelope, headers: { 'content-type': 'application/json' }, tracked };
}

function posthogRequest(rng: Rng, key: string, now: number): Sent {
  const events: string[] = [];
  for (let i = rng.int(1, 8); i > 0; i--) {
    const wild = () => rng.chance(0.1);
    const props: Record<string, Fuzz> = {
      distinct_id: fuzzId(rng, 'ph', wild()),
      $session_id: fuzzId(rng, 'phs', wild()),
    };
    for (let k = rng.int(0, 4); k > 0; k--) props[`p${k}`] = fuzzValue(rng, wild());
    const event: Record<string, Fuzz> = {
      event: rng.pick(['$pageview', '$autocapture', 'x']),
      properties: props,
    };
    if (rng.chance(0.7)) event['uuid'] = randomUUID();
    const ts = fuzzTime(rng, now, wild());
    if (ts !== undefined) event['timestamp'] = ts;
    if (rng.chance(0.2)) event['offset'] = rng.pick<Fuzz>([0, 1000, -1, new Raw('-1e300'), new Raw('1e300')]);
    events.push(toJson(event));
  }
  const query = rng.chance(0.3) ? `?_=${rng.pick(['1e300', String(now), '-5', 'x'])}` : '';
  const body = `{"api_key":${JSON.stringify(key)},"batch":[${events.join(',')}]}`;
  const gzip = rng.chance(0.3);
  return {
    path: `/batch/${query}`,
    body: gzip ? gzipSync(body) : body,
    headers: { 'content-type': gzip ? 'text/plain' : 'application/json' },
    tracked: new Map(),
  };
}

function segmentRequest(rng: Rng, key: string, now: number): Sent {
  const messages: string[] = [];
  for (let i = rng.int(1, 8); i > 0; i--) {
    const wild = () => rng.chance(0.1);
    const message: Record<string, Fuzz> = {
      type: rng.pick(['track', 'page', 'identify', 'group', 'alias', 'bogus']),
      event: 'seg',
      userId: fuzzId(rng, 'sg', wild()),
      properties: { p: fuzzValue(rng, wild()), q: fuzzValue(rng, wild()) },
      context: { page: { url: rng.pick(['https://x.test/a', '\u0000', 'not a url']) } },
    };
    if (rng.chance(0.7)) message['messageId'] = randomUUID();
    const ts = fuzzTime(rng, now, wild());
    if (ts !== undefined) message['timestamp'] = ts;
    messages.push(toJson(message));
  }
  const sentAt = fuzzTime(rng, now, rng.chance(0.3));
  const body = `{"batch":[${messages.join(',')}]${sentAt === undefined ? '' : `,"sentAt":${toJson(sentAt)}`}}`;
  return {
    path: '/v1/batch',
    body,
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
    },
    tracked: new Map(),
  };
}

/** A request's bytes mangled: truncated, a byte flipped, bytes inserted, or gzip cut short. */
function mangled(rng: Rng, sent: Sent): Sent {
  const bytes = Buffer.from(sent.body);
  const at = rng.int(0, Math.max(0, bytes.length - 1));
  let body: Buffer;
  switch (rng.int(0, 3)) {
    case 0:
      body = bytes.subarray(0, at);
      break;
    case 1:
      body = Buffer.from(bytes);
      body[at] = rng.int(0, 255);
      break;
    case 2:
      body = Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x5b]),
        bytes.subarray(at),
      ]);
      break;
    default:
      body = gzipSync(bytes).subarray(0, rng.int(2, 30));
  }
  return { ...sent, body, tracked: new Map() };
}

/**
 * Seeded, bounded fuzzing of every capture route: the server answers 200 or a documented 4xx,
 * stays healthy, and every accepted native event comes back from the export exactly as sent.
 */
describe.each<[AppEngine, number]>([
  ['duckdb', 500],
  ['clickhouse', 150],
])('fuzzed capture on %s', (engine, requests) => {
  let app: RunningSightline;
  beforeAll(async () => {
    app = await startAppOn(engine);
  });
  afterAll(async () => {
    await app.close();
  });

  it(`${requests} generated requests: 200 or a documented 4xx, and accepted events round-trip`, async () => {
    const rng = createRng(20261203);
    const now = Date.now();
    const expected = new Map<string, { value: Record<string, unknown>; sentAtGiven: boolean }>();
    const statuses = new Map<number, number>();
    for (let n = 0; n < requests; n++) {
      const makers = [nativeRequest, nativeRequest, posthogRequest, segmentRequest];
      let sent = rng.pick(makers)(rng, app.keys.publicKey, now);
      if (rng.chance(0.1)) sent = mangled(rng, sent);
      const res = await fetch(`${app.url}${sent.path}`, {
        method: 'POST',
        headers: sent.headers,
        body: typeof sent.body === 'string' ? sent.body : new Uint8Array(sent.body),
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const context = `request ${n} ${sent.path} → ${res.status} ${text.slice(0, 300)}`;
      expect(res.status === 200 || (res.status >= 400 && res.status < 500), context).toBe(true);
      const body = JSON.parse(text) as { error?: string; rejected?: Array<{ index: number; code: string }> };
      if (res.status !== 200) expect(Object.keys(ERROR_CODES), context).toContain(body.error);
      for (const r of body.rejected ?? []) expect(REJECTED_CODES.has(r.code), context).toBe(true);
      if (res.status !== 200) continue;
      const refused = new Set((body.rejected ?? []).map((r) => r.index));
      for (const [index, event] of sent.tracked) {
        if (!refused.has(index)) expected.set(event.uuid, event);
      }
    }
    console.log(
      `fuzz on ${engine}: statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${expected.size} native events to check`,
    );
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

    const exported = await exportAll(app);
    const latest = Date.now() + LIMITS.maxFutureMs;
    for (const e of exported) {
      const ts = e['timestamp'] as number;
      expect(ts >= LIMITS.minTimestampMs && ts <= latest, `stored timestamp ${ts}`).toBe(true);
    }
    const byUuid = new Map(exported.map((e) => [e['uuid'] as string, e]));
    expect(expected.size).toBeGreaterThan(50);
    for (const [uuid, { value, sentAtGiven }] of expected) {
      const stored = byUuid.get(uuid);
      expect(stored, `accepted event ${uuid} is exported`).toBeDefined();
      const props = (value['properties'] ?? {}) as Record<string, unknown>;
      expect(JSON.stringify(stored!['properties'])).toBe(JSON.stringify(props));
      expect(stored!['event']).toBe(value['event']);
      expect(stored!['distinct_id']).toBe(value['distinct_id']);
      const session =
        value['session_id'] ?? (typeof props['$session_id'] === 'string' ? props['$session_id'] : '');
      expect(stored!['session_id']).toBe(session);
      const ts = value['timestamp'];
      if (!sentAtGiven && typeof ts === 'number') expect(stored!['timestamp']).toBe(Math.round(ts));
    }
  });
});
