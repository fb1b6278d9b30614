import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';

/**
 * A DuckDB engine whose session rollup refreshes only when asked: the engines of ENGINES refresh
 * it every minute at the wall clock, which covers these past fixtures at any moment of a test.
 */
export function openDuckDbRollupOnDemand(): Promise<StorageEngine> {
  const path = join(mkdtempSync(join(tmpdir(), 'sightline-web-')), 'test.duckdb');
  return openDuckDbEngine({ path, rollupRefreshMs: 0 });
}

/**
 * The web-analytics fixture (web_overview and pages): a two-hour range starting on a clock hour,
 * the two hours before it, and sessions that make every definition matter: a bounce with other
 * events, a session without page views, a page view without a session, a session across a clock
 * hour (two rollup rows) and one across the boundary between the two periods.
 */
export const PROJECT = 'p-web';
const HOUR = 3_600_000;
const MIN = 60_000;
/** A clock hour: the range [T0, T0 + 2 h) and the previous period [T0 − 2 h, T0). */
export const T0 = 472_222 * HOUR;
export const RANGE = { from: T0, to: T0 + 2 * HOUR };
/** After the range, so the rollup (refreshed at NOW) covers both periods' whole hours. */
export const NOW = T0 + 3 * HOUR;

let n = 0;
function ev(
  session: string,
  user: string,
  event: string,
  at: number,
  path: string,
  extra: Partial<EventRow> = {},
) {
  return makeRow({
    project_id: PROJECT,
    uuid: `web-${n++}`,
    session_id: session,
    distinct_id: user,
    event,
    timestamp: T0 + at,
    path,
    url: `https://shop.test${path}`,
    referrer: '',
    browser: 'Chrome',
    device: 'desktop',
    properties: '{}',
    ...extra,
  });
}

export const WEB_ROWS: EventRow[] = [
  // s1 (u1): lands on /home from Google with utm_source, three page views, signs up.
  ev('s1', 'u1', 'page_view', 0, '/home', {
    referrer: 'https://www.google.com/',
    url: 'https://shop.test/home?utm_source=google',
  }),
  ev('s1', 'u1', 'click', 10_000, '/home'),
  ev('s1', 'u1', 'page_view', 60_000, '/pricing'),
  ev('s1', 'u1', 'page_view', 120_000, '/signup'),
  ev('s1', 'u1', 'signup', 150_000, '/signup'),
  // s2 (u2, Firefox, mobile): one page view only.
  ev('s2', 'u2', 'page_view', 30 * MIN, '/home', {
    browser: 'Firefox',
    device: 'mobile',
    referrer: 'https://news.ycombinator.com/',
  }),
  // s5 (u5): across the clock hour T0 + 1 h.
  ev('s5', 'u5', 'page_view', 55 * MIN, '/blog'),
  ev('s5', 'u5', 'page_view', 65 * MIN, '/home'),
  ev('s5', 'u5', 'click', 66 * MIN, '/home'),
  // s3 (u1 returns): one page view and a scroll: a bounce (one page view), 5 minutes long.
  ev('s3', 'u1', 'page_view', 70 * MIN, '/pricing'),
  ev('s3', 'u1', 'scroll_depth', 75 * MIN, '/pricing'),
  // s4 (u3): no page view at all.
  ev('s4', 'u3', 'api_call', 80 * MIN, ''),
  // A page view without a session (u4).
  ev('', 'u4', 'page_view', 90 * MIN, '/home'),
  // Previous period: p1 (u1) two page views, p2 (u6) one.
  ev('p1', 'u1', 'page_view', -100 * MIN, '/home'),
  ev('p1', 'u1', 'page_view', -99 * MIN, '/pricing'),
  ev('p2', 'u6', 'page_view', -30 * MIN, '/home'),
  // s6 (u7): one page view in each period.
  ev('s6', 'u7', 'page_view', -MIN, '/home'),
  ev('s6', 'u7', 'page_view', MIN, '/pricing'),
  // Outside both periods, and another project inside them: never counted.
  ev('late', 'u8', 'page_view', 2 * HOUR, '/home'),
  ev('early', 'u9', 'page_view', -2 * HOUR - 1, '/home'),
  { ...ev('s1', 'u1', 'page_view', 5 * MIN, '/home'), project_id: 'p-other' },
];
