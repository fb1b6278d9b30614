import type { PageRow, QueryFilter } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryPagesQuery, exitPagesQuery, pagesQuery } from '../../src/query/web/pages.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';
import { NOW, openDuckDbRollupOnDemand, PROJECT, RANGE, WEB_ROWS } from './web-overview-fixture.js';

const page = (
  path: string,
  views: number,
  visitors: number,
  entries: number,
  exits: number,
  bounce_rate: number,
  avg_time_on_page_ms: number | null,
): PageRow => ({ path, views, visitors, entries, exits, bounce_rate, avg_time_on_page_ms });

/**
 * Worked out by hand from the fixture's range (web-overview-fixture.ts). /home: s1, s2, s5 and the
 * page view without a session (no time, no entry); times 60 s (s1), 0 (s2 alone), 60 s (s5, to its
 * last event). /pricing: s1 (60 s), s6 (its only view in the range: 0), s3 (300 s to its scroll).
 */
const HOME = page('/home', 4, 4, 2, 2, 0.5, 40_000);
const PRICING = page('/pricing', 3, 2, 2, 2, 1, 120_000);
const SIGNUP = page('/signup', 1, 1, 0, 1, 0, 30_000);
const BLOG = page('/blog', 1, 1, 1, 0, 0, 600_000);

const CASES: Array<[string, object, PageRow[]]> = [
  ['by views (ties by path)', {}, [HOME, PRICING, BLOG, SIGNUP]],
  ['by visitors', { sort: 'visitors' }, [HOME, PRICING, BLOG, SIGNUP]],
  ['entry pages', { sort: 'entries' }, [HOME, PRICING, BLOG]],
  ['exit pages', { sort: 'exits' }, [HOME, PRICING, SIGNUP]],
  ['limit', { limit: 2 }, [HOME, PRICING]],
  [
    'path = /pricing: its row, entries and exits of the sessions that saw it',
    { filters: [{ property: 'path', op: 'eq', value: '/pricing' }] satisfies QueryFilter[] },
    [PRICING],
  ],
  [
    'browser = Firefox',
    { filters: [{ property: 'browser', op: 'eq', value: 'Firefox' }] satisfies QueryFilter[] },
    [page('/home', 1, 1, 1, 1, 1, 0)],
  ],
  [
    'utm_source = google: only the landing view matches; s1 left by /signup',
    { filters: [{ property: 'utm_source', op: 'eq', value: 'google' }] satisfies QueryFilter[] },
    [page('/home', 1, 1, 1, 0, 0, 60_000)],
  ],
  [
    'referrer_domain contains: the exits of those sessions are not listed without a matching view',
    {
      sort: 'exits',
      filters: [{ property: 'referrer_domain', op: 'contains', value: 'GOOGLE' }] satisfies QueryFilter[],
    },
    [],
  ],
];

describe.each(ENGINES)('pages on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(WEB_ROWS);
  }, 60_000);
  afterAll(() => engine?.close());

  const run = (args: object) => runQuery(engine, pagesQuery, PROJECT, { time_range: RANGE, ...args }, NOW);

  it.each(CASES)('%s', async (_name, args, expected) => {
    expect((await run(args)).pages).toEqual(expected);
  });

  it('answers entry_pages and exit_pages as pages sorted by entries and exits, filters and limit included', async () => {
    const views = (query: typeof entryPagesQuery | typeof exitPagesQuery, args: object) =>
      runQuery(engine, query, PROJECT, { time_range: RANGE, ...args }, NOW);
    expect((await views(entryPagesQuery, {})).pages).toEqual([HOME, PRICING, BLOG]);
    expect((await views(exitPagesQuery, {})).pages).toEqual([HOME, PRICING, SIGNUP]);
    expect((await views(exitPagesQuery, { limit: 1 })).pages).toEqual([HOME]);
    const firefox = { filters: [{ property: 'browser', op: 'eq', value: 'Firefox' }] };
    expect((await views(entryPagesQuery, firefox)).pages).toEqual([page('/home', 1, 1, 1, 1, 1, 0)]);
  });
});

describe('pages on duckdb, over the session rollup', () => {
  it('reads the same once the rollup covers the range', async () => {
    const engine = await openDuckDbRollupOnDemand();
    try {
      await engine.insertEvents(WEB_ROWS);
      expect(await engine.refreshSessionRollup?.(NOW)).toBeGreaterThan(0);
      const result = await runQuery(engine, pagesQuery, PROJECT, { time_range: RANGE }, NOW);
      expect(result.pages).toEqual([HOME, PRICING, BLOG, SIGNUP]);
    } finally {
      await engine.close();
    }
  });
});
