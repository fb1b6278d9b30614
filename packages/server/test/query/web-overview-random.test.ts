import { PAGE_SORTS, type QueryFilter } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendBuckets } from '../../src/query/trend-buckets.js';
import { pagesQuery } from '../../src/query/web/pages.js';
import { webOverviewQuery } from '../../src/query/web/web-overview.js';
import { createRng, type Rng } from '../../src/simulate/prng.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';
import { openDuckDbRollupOnDemand } from './web-overview-fixture.js';
import { referenceFigures, referencePages, referenceSeries } from './web-overview-reference.js';

/**
 * web_overview and pages against the brute-force reference (web-overview-reference.ts) on seeded
 * random projects: sessions across clock hours and across the two periods, page views without a
 * session, bounces with other events, random filters. On DuckDB also once the session rollup
 * covers the hours, and again after late events arrived in rolled-up hours.
 */
/** An hour (four rollup slots): the fixtures span hours, their edges fall on slot boundaries. */
const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = 472_300 * HOUR;
const NOW = T0 + 4 * HOUR;
const SEEDS = Array.from({ length: 6 }, (_, i) => i + 1);
/** An hour-aligned range with minute points, and one cut inside hours with hour points. */
const RANGES = [
  { from: T0, to: T0 + 2 * HOUR },
  { from: T0 - 2 * HOUR + 17 * MIN, to: T0 + 2 * HOUR - 5 * MIN },
];

const PATHS = ['/', '/home', '/pricing', '/blog/a', '/Café', '/docs'];
const BROWSERS = ['Chrome', 'Firefox', 'Safari'];
const REFERRERS = [
  '',
  '',
  'https://www.google.com/',
  'https://t.co/x',
  '$direct',
  'https://news.ycombinator.com/i',
];
const EVENTS = ['page_view', 'page_view', 'click', 'scroll_depth', 'signup'];

const FILTER_POOL: QueryFilter[] = [
  { property: 'path', op: 'eq', value: '/pricing' },
  { property: 'path', op: 'neq', value: '/home' },
  { property: 'path', op: 'contains', value: 'CAF' },
  { property: 'path', op: 'in', value: ['/', '/docs'] },
  { property: 'browser', op: 'eq', value: 'Firefox' },
  { property: 'referrer_domain', op: 'eq', value: 'google.com' },
  { property: 'referrer_domain', op: 'neq', value: '' },
  { property: 'utm_source', op: 'eq', value: 'news' },
  { property: 'event', op: 'eq', value: 'page_view' },
  { property: 'properties.plan', op: 'in', value: ['pro', 'team'] },
];

const project = (seed: number) => `r${seed}`;

/** Distinct timestamps across the data set, so order within a session never rests on seq. */
function makeRows(rng: Rng, seed: number, used: Set<number>, late: boolean): EventRow[] {
  const rows: EventRow[] = [];
  const stamp = (t: number) => {
    let at = Math.round(t);
    while (used.has(at)) at++;
    used.add(at);
    return at;
  };
  const sessions = late ? rng.int(2, 6) : rng.int(10, 30);
  for (let s = 0; s < sessions; s++) {
    const session = rng.chance(0.08) ? '' : `${late ? 'l' : 's'}${s}`;
    const user = `u${rng.int(0, 8)}`;
    const browser = rng.pick(BROWSERS);
    let t = T0 - 2.5 * HOUR + rng.next() * 5 * HOUR;
    const count = rng.int(1, 10);
    for (let i = 0; i < count; i++) {
      const path = rng.pick(PATHS);
      const utm = rng.chance(0.2) ? `?utm_source=${rng.pick(['news', 'ads'])}` : '';
      rows.push(
        makeRow({
          project_id: project(seed),
          session_id: session,
          distinct_id: rng.chance(0.05) ? '' : user,
          event: i === 0 && rng.chance(0.8) ? 'page_view' : rng.pick(EVENTS),
          timestamp: stamp(t),
          path,
          url: `https://shop.test${path}${utm}`,
          referrer: i === 0 ? rng.pick(REFERRERS) : '',
          browser,
          properties: JSON.stringify(rng.chance(0.3) ? { plan: rng.pick(['pro', 'team', 'free']) } : {}),
        }),
      );
      t += rng.int(1, 25) * MIN * rng.next();
    }
  }
  return rows;
}

function pickFilters(rng: Rng): QueryFilter[] {
  const count = rng.int(0, 2);
  return Array.from({ length: count }, () => rng.pick(FILTER_POOL));
}

/** Compares both queries with the reference for every seed, range and a random filter choice. */
async function compareAll(engine: StorageEngine, rows: readonly EventRow[], phase: string): Promise<void> {
  // What the comparisons covered: the data must exercise every figure, with and without filters.
  const seen = { filteredSessions: 0, bounces: 0, previousSessions: 0, pagesWithTime: 0, entries: 0 };
  for (const seed of SEEDS) {
    const rng = createRng(seed * 1000 + phase.length);
    for (const range of RANGES) {
      const filters = pickFilters(rng);
      const label = `${phase} seed ${seed} ${JSON.stringify(range)} ${JSON.stringify(filters)}`;
      const overview = await runQuery(
        engine,
        webOverviewQuery,
        project(seed),
        { time_range: range, filters },
        NOW,
      );
      const previous = { from: range.from - (range.to - range.from), to: range.from };
      expect(overview.previous_range, label).toEqual(previous);
      const {
        series,
        previous: previousFigures,
        change: _c,
        range: _r,
        previous_range: _p,
        ...figures
      } = overview;
      expect(figures, label).toEqual(referenceFigures(rows, project(seed), range, filters));
      expect(previousFigures, label).toEqual(referenceFigures(rows, project(seed), previous, filters));
      expect(series.current, label).toEqual(
        referenceSeries(rows, project(seed), range, trendBuckets(range.from, range.to), filters),
      );
      expect(series.previous, label).toEqual(
        referenceSeries(rows, project(seed), previous, trendBuckets(previous.from, previous.to), filters),
      );
      const sort = rng.pick(PAGE_SORTS);
      const limit = rng.int(1, 8);
      const pages = await runQuery(
        engine,
        pagesQuery,
        project(seed),
        { time_range: range, filters, sort, limit },
        NOW,
      );
      expect(pages.pages, `${label} ${sort} ${limit}`).toEqual(
        referencePages(rows, project(seed), range, filters, sort, limit),
      );
      if (filters.length > 0) seen.filteredSessions += figures.sessions;
      if (figures.bounce_rate > 0 && figures.bounce_rate < 1) seen.bounces++;
      seen.previousSessions += previousFigures.sessions;
      seen.pagesWithTime += pages.pages.filter((p) => (p.avg_time_on_page_ms ?? 0) > 0).length;
      seen.entries += pages.pages.reduce((sum, p) => sum + p.entries, 0);
    }
  }
  console.log(`web random (${engine.name}, ${phase}):`, JSON.stringify(seen));
  for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(0);
}

async function openWithRows(
  open: () => Promise<StorageEngine>,
  rows: EventRow[],
  used: Set<number>,
): Promise<StorageEngine> {
  const engine = await open();
  for (const seed of SEEDS) rows.push(...makeRows(createRng(seed), seed, used, false));
  await engine.insertEvents(rows);
  return engine;
}

describe.each(ENGINES)('web_overview and pages against the reference on $name', (kind) => {
  let engine: StorageEngine;
  const rows: EventRow[] = [];
  beforeAll(async () => {
    engine = await openWithRows(() => openTestEngine(kind), rows, new Set());
  }, 60_000);
  afterAll(() => engine?.close());

  it('equals the reference over events', async () => {
    await compareAll(engine, rows, 'events');
  });
});

describe('web_overview and pages against the reference on duckdb, over the session rollup', () => {
  let engine: StorageEngine;
  const rows: EventRow[] = [];
  const used = new Set<number>();
  beforeAll(async () => {
    engine = await openWithRows(openDuckDbRollupOnDemand, rows, used);
  }, 60_000);
  afterAll(() => engine?.close());

  it('equals the reference once rolled up, and with late events in rolled-up hours', async () => {
    expect(await engine.refreshSessionRollup?.(NOW + ROLLUP_GRACE_MS)).toBeGreaterThan(0);
    await compareAll(engine, rows, 'rollup');
    const late: EventRow[] = [];
    for (const seed of SEEDS) late.push(...makeRows(createRng(seed + 500), seed, used, true));
    await engine.insertEvents(late);
    rows.push(...late);
    await compareAll(engine, rows, 'rollup + late');
  });
});
