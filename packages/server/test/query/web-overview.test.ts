import type { QueryFilter, WebOverviewFigures, WebOverviewResult, WebSeriesPoint } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webOverviewQuery } from '../../src/query/web/web-overview.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';
import { NOW, openDuckDbRollupOnDemand, PROJECT, RANGE, T0, WEB_ROWS } from './web-overview-fixture.js';

const HOUR = 3_600_000;
/** Two-hour periods: 40 points of 3 minutes (trend-buckets.ts). */
const BUCKET = 180_000;

function series(from: number, filled: Record<number, [number, number, number]>): WebSeriesPoint[] {
  return Array.from({ length: 40 }, (_, i) => {
    const [visitors, sessions, pageviews] = filled[i] ?? [0, 0, 0];
    return { t: from + i * BUCKET, visitors, sessions, pageviews };
  });
}

/** Worked out by hand from the fixture (web-overview-fixture.ts). */
const UNFILTERED = {
  current: {
    visitors: 6,
    sessions: 6,
    pageviews: 9,
    views_per_session: 1.5,
    bounce_rate: 0.6,
    avg_session_duration_ms: 185_000,
  },
  previous: {
    visitors: 3,
    sessions: 3,
    pageviews: 4,
    views_per_session: 4 / 3,
    bounce_rate: 2 / 3,
    avg_session_duration_ms: 20_000,
  },
  series: {
    bucket_ms: BUCKET,
    // [visitors, sessions starting in the point, page views]
    current: series(T0, {
      0: [2, 2, 4],
      10: [1, 1, 1],
      18: [1, 1, 1],
      21: [1, 0, 1],
      22: [1, 0, 0],
      23: [1, 1, 1],
      25: [1, 0, 0],
      26: [1, 1, 0],
      30: [1, 0, 1],
    }),
    previous: series(T0 - 2 * HOUR, { 6: [1, 1, 1], 7: [1, 0, 1], 30: [1, 1, 1], 39: [1, 1, 1] }),
  },
};

const FILTERED: Array<[string, QueryFilter[], WebOverviewFigures, WebOverviewFigures]> = [
  [
    'path = /pricing: its views; sessions that saw it, with all their page views',
    [{ property: 'path', op: 'eq', value: '/pricing' }],
    {
      visitors: 2,
      sessions: 3,
      pageviews: 3,
      views_per_session: 1,
      bounce_rate: 2 / 3,
      avg_session_duration_ms: 150_000,
    },
    {
      visitors: 1,
      sessions: 1,
      pageviews: 1,
      views_per_session: 1,
      bounce_rate: 0,
      avg_session_duration_ms: 60_000,
    },
  ],
  [
    'browser = Firefox',
    [{ property: 'browser', op: 'eq', value: 'Firefox' }],
    {
      visitors: 1,
      sessions: 1,
      pageviews: 1,
      views_per_session: 1,
      bounce_rate: 1,
      avg_session_duration_ms: 0,
    },
    {
      visitors: 0,
      sessions: 0,
      pageviews: 0,
      views_per_session: 0,
      bounce_rate: 0,
      avg_session_duration_ms: 0,
    },
  ],
  [
    'referrer_domain = google.com and utm_source = google: the landing event selects s1',
    [
      { property: 'referrer_domain', op: 'eq', value: 'google.com' },
      { property: 'utm_source', op: 'in', value: ['google', 'bing'] },
    ],
    {
      visitors: 1,
      sessions: 1,
      pageviews: 1,
      views_per_session: 1,
      bounce_rate: 0,
      avg_session_duration_ms: 150_000,
    },
    {
      visitors: 0,
      sessions: 0,
      pageviews: 0,
      views_per_session: 0,
      bounce_rate: 0,
      avg_session_duration_ms: 0,
    },
  ],
];

function figuresOf(result: WebOverviewResult): WebOverviewFigures {
  const { visitors, sessions, pageviews, views_per_session, bounce_rate, avg_session_duration_ms } = result;
  return { visitors, sessions, pageviews, views_per_session, bounce_rate, avg_session_duration_ms };
}

/** The unfiltered answers over the 2-hour range and a 4-hour one (hourly points). */
async function expectUnfiltered(run: (args: object) => Promise<WebOverviewResult>): Promise<void> {
  const result = await run({});
  expect(figuresOf(result)).toEqual(UNFILTERED.current);
  expect(result.previous).toEqual(UNFILTERED.previous);
  expect(result.range).toEqual(RANGE);
  expect(result.previous_range).toEqual({ from: T0 - 2 * HOUR, to: T0 });
  expect(result.series).toEqual(UNFILTERED.series);
  expect(result.change.visitors).toBe(1);
  expect(result.change.pageviews).toBe(1.25);
  expect(result.change.views_per_session).toBeCloseTo(0.125, 12);
  expect(result.change.bounce_rate).toBeCloseTo(-0.1, 12);
  expect(result.change.avg_session_duration_ms).toBe(8.25);
  // Four hours: points of one hour, which the rollup's rows fill where the engine keeps one.
  const wide = await run({ time_range: { from: T0 - 2 * HOUR, to: T0 + 2 * HOUR } });
  expect(figuresOf(wide)).toEqual({
    visitors: 7,
    sessions: 8,
    pageviews: 13,
    views_per_session: 13 / 8,
    bounce_rate: 3 / 7,
    avg_session_duration_ms: 161_250,
  });
  const hourly = (from: number, filled: Array<[number, number, number]>) =>
    filled.map(([visitors, sessions, pageviews], i) => ({
      t: from + i * HOUR,
      visitors,
      sessions,
      pageviews,
    }));
  expect(wide.series).toEqual({
    bucket_ms: HOUR,
    current: hourly(T0 - 2 * HOUR, [
      [1, 1, 2],
      [2, 2, 2],
      [4, 3, 6],
      [4, 2, 3],
    ]),
    // Only `early`, at T0 − 2 h − 1 ms.
    previous: hourly(T0 - 6 * HOUR, [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
    ]),
  });
}

describe.each(ENGINES)('web_overview on $name', (kind) => {
  let engine: StorageEngine;
  const run = (args: object) =>
    runQuery(engine, webOverviewQuery, PROJECT, { time_range: RANGE, ...args }, NOW);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(WEB_ROWS);
  }, 60_000);
  afterAll(() => engine?.close());

  it('counts the range and the period before it, with sparklines', async () => {
    await expectUnfiltered(run);
  });

  it.each(FILTERED)('%s', async (_name, filters, current, previous) => {
    const result = await run({ filters });
    expect(figuresOf(result)).toEqual(current);
    expect(result.previous).toEqual(previous);
    // No previous value: no finite change.
    if (previous.visitors === 0) expect(result.change.visitors).toBeNull();
  });

  it('changes are null where the previous period is empty, and a preset ends now', async () => {
    const result = await runQuery(engine, webOverviewQuery, PROJECT, { time_range: '1h' }, T0 + 2 * HOUR);
    expect(result.range).toEqual({ from: T0 + HOUR, to: T0 + 2 * HOUR + 1 });
    // s5, s3, s4 and `late` (at T0 + 2 h, inside [from, now + 1)); before: s1, s6, s2, s5.
    expect(result.sessions).toBe(4);
    expect(result.previous.sessions).toBe(4);
    const empty = await runQuery(engine, webOverviewQuery, PROJECT, { time_range: '1h' }, T0 - 3 * HOUR);
    expect(empty.visitors).toBe(0);
    expect(Object.values(empty.change).every((c) => c === null)).toBe(true);
  });
});

describe('web_overview on duckdb, over the session rollup', () => {
  it('answers the same once the rollup covers both periods', async () => {
    const engine = await openDuckDbRollupOnDemand();
    try {
      await engine.insertEvents(WEB_ROWS);
      const run = (args: object) =>
        runQuery(engine, webOverviewQuery, PROJECT, { time_range: RANGE, ...args }, NOW);
      await expectUnfiltered(run);
      expect(await engine.refreshSessionRollup?.(NOW)).toBeGreaterThan(0);
      await expectUnfiltered(run);
    } finally {
      await engine.close();
    }
  });
});
