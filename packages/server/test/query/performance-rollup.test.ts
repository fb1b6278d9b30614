import type { QueryFilter, TimeRange } from '@sightline/schema';
import { describe, expect, it } from 'vitest';
import { performanceQuery } from '../../src/query/performance.js';
import { createRng } from '../../src/simulate/prng.js';
import { sql } from '../../src/sql/sql.js';
import { PAGE_VIEW_HOURS } from '../../src/storage/duckdb/page-view-rollup.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { useRollupComparison } from './rollup-harness.js';
import { runQuery } from './support.js';

/**
 * The DuckDB rollup's page views (page_view_hours) must never change the performance query's
 * answer: seeded page views whose reports straddle hours and rollup statements, late reports after
 * a refresh, ranges that cut hours, filters the rollup answers (path, device, browser, os) and one
 * it does not (a custom property), all compared with the same engine reading events only.
 */
/** An hour (four rollup slots): the fixtures span hours, their edges fall on slot boundaries. */
const HOUR = 3_600_000;
const H0 = Math.floor(1_700_000_000_000 / HOUR) * HOUR;
const NOW = H0 + 8 * HOUR;
/** Refreshing "at" this time rolls up every hour that ended before `end`. */
const refreshAt = (end: number) => end + ROLLUP_GRACE_MS + HOUR;
const PATHS = ['/', '/docs', '/pricing', '/blog/a'];
const DEVICES = [
  { device: 'desktop', browser: 'Chrome', os: 'Linux' },
  { device: 'mobile', browser: 'Mobile Safari', os: 'iOS' },
  { device: 'tablet', browser: 'Chrome', os: 'Android' },
];

function pageViewReports(random: () => number, count: number, tag: string): EventRow[] {
  const rows: EventRow[] = [];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  for (let s = 0; s < count; s++) {
    const session = `${tag}${s}`;
    const client = pick(DEVICES);
    let t = H0 + int(0, 6 * 3600) * 1000;
    const row = (event: string, path: string, properties: object) => {
      t += int(1, 1800) * 1000;
      return makeRow({
        project_id: random() < 0.1 ? 'other' : 'p1',
        uuid: `${session}-${rows.length}`,
        event,
        session_id: session,
        distinct_id: `u-${session}`,
        timestamp: t,
        path,
        ...client,
        properties: JSON.stringify(properties),
      });
    };
    const kind = random();
    if (kind < 0.15) {
      // posthog-js: $web_vitals with $pageview_id.
      const id = `ph-${session}`;
      rows.push(row('$web_vitals', '/docs', { $pageview_id: id, $web_vitals_LCP_value: int(500, 6000) }));
      rows.push(row('$web_vitals', '/docs', { $pageview_id: id, $web_vitals_INP_value: int(20, 900) }));
      continue;
    }
    if (kind < 0.3) {
      // An older SDK: no page view id (session and path decide).
      const path = pick(PATHS);
      rows.push(row('page_performance', path, { page_load_time: int(300, 6000), lcp: int(300, 5000) }));
      rows.push(row('web_vitals', path, { lcp: int(300, 6000), cls: int(0, 40) / 100 }));
      continue;
    }
    // The SDK: a load, then SPA routes, each reported once or twice (the later report larger).
    const routes = int(1, 4);
    for (let r = 0; r < routes; r++) {
      const id = `${session}-v${r}`;
      const path = pick(PATHS);
      const load = r === 0 ? { lcp: int(300, 5000), fcp: int(200, 3500), ttfb: int(50, 2000) } : {};
      if (r === 0)
        rows.push(
          row('page_performance', path, { page_view_id: id, page_load_time: int(300, 6000), ...load }),
        );
      const inp = int(16, 700);
      rows.push(row('web_vitals', path, { page_view_id: id, ...load, inp, cls: int(0, 30) / 100 }));
      if (random() < 0.4) rows.push(row('web_vitals', path, { page_view_id: id, inp: inp + int(0, 300) }));
    }
  }
  return rows;
}

const RANGES: TimeRange[] = [
  { from: H0 - HOUR, to: NOW },
  { from: H0 + 17 * 60_000, to: H0 + 4 * HOUR + 23 * 60_000 },
  { from: H0 + HOUR, to: H0 + 3 * HOUR },
  { from: H0 + 2 * HOUR + 1, to: H0 + 7 * HOUR - 1 },
];
const FILTERS: Array<QueryFilter[] | undefined> = [
  undefined,
  [{ property: 'device', op: 'eq', value: 'mobile' }],
  [
    { property: 'path', op: 'in', value: ['/', '/docs'] },
    { property: 'browser', op: 'neq', value: 'Mobile Safari' },
  ],
  // Not in the rollup's rows: read from events only.
  [{ property: 'properties.page_view_id', op: 'contains', value: 'v0' }],
];

describe('performance over the hourly page-view rollup (DuckDB)', () => {
  // No background refreshes; statements of 40 events cut page views into several rows.
  const rollup = useRollupComparison('pv-rollup', 40);
  const { texts } = rollup;
  const random = createRng(20_261_203).next;

  async function expectSameAnswers(label: string) {
    let compared = 0;
    for (const time_range of RANGES) {
      for (const filters of FILTERS) {
        const args = { time_range, filters, limit: 3 };
        const expected = await runQuery(rollup.eventsOnly, performanceQuery, 'p1', args, NOW);
        const answer = await runQuery(rollup.engine, performanceQuery, 'p1', args, NOW);
        expect(answer, `${label} ${JSON.stringify(args)}`).toEqual(expected);
        compared += expected.overall.samples;
      }
    }
    return compared;
  }

  it('answers as events do before, between and after refreshes, with late reports', async () => {
    await rollup.engine.insertEvents(pageViewReports(random, 200, 's'));
    expect(await expectSameAnswers('before any refresh')).toBeGreaterThan(0);

    await rollup.engine.refreshSessionRollup?.(refreshAt(H0 + 3 * HOUR));
    texts.length = 0;
    await expectSameAnswers('hours 0-2 rolled up');
    expect(texts.some((t) => t.includes(PAGE_VIEW_HOURS))).toBe(true);

    // Late reports: new page views and second reports of rolled-up ones, in covered hours.
    await rollup.engine.insertEvents(pageViewReports(random, 80, 's'));
    await expectSameAnswers('late reports');
    await rollup.engine.refreshSessionRollup?.(refreshAt(NOW));
    const compared = await expectSameAnswers('all rolled up');
    const [rows] = await rollup.engine.query(sql`SELECT count(*) AS n FROM page_view_hours`);
    console.log(`page views compared: ${compared}; rollup rows: ${rows?.['n']}`);
  });

  it('fills page_view_hours up to the cover for a file rolled up before it existed', async () => {
    const before = await expectSameAnswers('before');
    await rollup.engine.query(sql`DROP TABLE page_view_hours`);
    await rollup.reopen();
    texts.length = 0;
    expect(await expectSameAnswers('reopened')).toBe(before);
    expect(texts.some((t) => t.includes(PAGE_VIEW_HOURS))).toBe(true);
  });
});
