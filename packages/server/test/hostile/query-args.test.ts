import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { QUERIES } from '../../src/query/index.js';
import { type AppEngine, startAppOn } from '../support/app-engines.js';

/** Strings a hostile caller puts wherever a query takes a name, a key or an id. */
const HOSTILE_STRINGS = [
  'a\\',
  'a"',
  "a'",
  '\\"); DROP TABLE events; --',
  '$.x[0]',
  '/a/b~c',
  'nul\u0000byte',
  'é日本🎉',
  '%s%n',
  ' ',
  'x'.repeat(200),
];

const HOSTILE_RANGES: unknown[] = [
  { from: -8.64e15, to: 8.64e15 },
  { from: 0, to: 0 },
  { from: 1.5, to: 2.5 },
  { from: -1e308, to: 1e308 },
  { from: 5, to: 1 },
  { from: 'now', to: null },
];

/**
 * Every query, with hostile arguments in every field it may read: the answer is a result or a
 * documented 4xx, never a 500 — and the server keeps answering others.
 */
describe.each<AppEngine>(['duckdb', 'clickhouse'])('hostile query arguments on %s', (engine) => {
  let app: RunningSightline;
  beforeAll(async () => {
    app = await startAppOn(engine);
    const now = Date.now();
    const props = Object.fromEntries(HOSTILE_STRINGS.map((s, i) => [s, `v${i}`]));
    const batch = HOSTILE_STRINGS.flatMap((name, i) => [
      {
        uuid: randomUUID(),
        event: name,
        distinct_id: name,
        session_id: name,
        timestamp: now - i,
        properties: props,
      },
      { uuid: randomUUID(), event: 'page_view', distinct_id: name, session_id: name, timestamp: now - i - 1 },
    ]);
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: app.keys.publicKey, batch }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
  });

  const query = async (name: string, args: unknown) => {
    const res = await fetch(`${app.url}/v1/query/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.keys.secretKey}` },
      body: JSON.stringify(args),
    });
    return { status: res.status, body: await res.text() };
  };

  it('answers every query with a result or a 4xx', async () => {
    const argSets: unknown[] = [
      ...HOSTILE_RANGES.map((time_range) => ({ time_range })),
      ...HOSTILE_STRINGS.map((s) => ({
        time_range: '24h',
        steps: [s, 'page_view', s],
        breakdown: s,
        session_id: s,
        journey_name: s,
        insight_type: s,
        event: s,
        path_length: 20,
        window_ms: 90 * 86_400_000,
      })),
      { time_range: '24h', steps: Array.from({ length: 11 }, (_, i) => `s${i}`) },
      { time_range: '24h', limit: 1e9, path_length: 1e9, threshold: Number.MAX_VALUE },
    ];
    const failures: string[] = [];
    for (const name of QUERIES.keys()) {
      for (const args of argSets) {
        const { status, body } = await query(name, args);
        if (status >= 500 || status === 0)
          failures.push(`${name} ${JSON.stringify(args).slice(0, 120)} → ${status} ${body.slice(0, 200)}`);
        else expect(() => JSON.parse(body)).not.toThrow();
      }
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
