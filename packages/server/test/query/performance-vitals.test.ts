import {
  type VitalSummary,
  WEB_VITAL_RATINGS,
  WEB_VITALS,
  type WebVitalName,
  type WebVitalsSummary,
  webVitalRating,
} from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestRank } from '../../src/query/percentile.js';
import { performanceQuery } from '../../src/query/performance.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

/**
 * Page views of single-page apps, device classes and Google's thresholds: the performance query's
 * page-view unit (page_view_id, posthog-js's $pageview_id, session + path for older reports), the
 * largest report per page view, and the p75 / rating / shares of every web vital per path, per device
 * and overall.
 */

const T = 1_700_000_040_000;
const NOW = T + 10 * 60_000;
const PROJECT = 'p-vitals';

let n = 0;
const ev = (
  session: string,
  device: string,
  event: string,
  path: string,
  properties: object,
  overrides: Partial<EventRow> = {},
) =>
  makeRow({
    project_id: PROJECT,
    uuid: `vitals-${n++}`,
    event,
    session_id: session,
    distinct_id: `user-${session}`,
    timestamp: T + n * 1000,
    path,
    url: `https://app.test${path}`,
    device,
    browser: device === 'desktop' ? 'Chrome' : 'Mobile Safari',
    properties: JSON.stringify(properties),
    ...overrides,
  });

const ROWS: EventRow[] = [
  // Session a, desktop: a hard load of / (a1), then routes /docs (a2, reported twice) and / again (a3).
  ev('a', 'desktop', 'page_view', '/', { page_view_id: 'a1' }),
  ev('a', 'desktop', 'page_performance', '/', {
    page_view_id: 'a1',
    page_load_time: 1200,
    dom_ready_time: 800,
    time_to_interactive: 900,
    lcp: 2000,
    fcp: 1000,
    ttfb: 300,
  }),
  ev('a', 'desktop', 'web_vitals', '/', {
    page_view_id: 'a1',
    lcp: 2500,
    fcp: 1000,
    ttfb: 300,
    inp: 100,
    cls: 0.1,
  }),
  ev('a', 'desktop', 'web_vitals', '/docs', { page_view_id: 'a2', inp: 250, cls: 0.02 }),
  ev('a', 'desktop', 'web_vitals', '/docs', { page_view_id: 'a2', inp: 600, cls: 0.02 }),
  ev('a', 'desktop', 'web_vitals', '/', { page_view_id: 'a3', inp: 200, cls: 0.3 }),
  // Session b, mobile: values just past each limit.
  ev('b', 'mobile', 'page_performance', '/', { page_view_id: 'b1', page_load_time: 4000, lcp: 4000 }),
  ev('b', 'mobile', 'web_vitals', '/', {
    page_view_id: 'b1',
    lcp: 4001,
    fcp: 1801,
    ttfb: 801,
    inp: 500,
    cls: 0.25,
  }),
  ev('b', 'mobile', 'web_vitals', '/docs', { page_view_id: 'b2', inp: 501, cls: 0.26 }),
  // Session c, posthog-js: two $web_vitals of one page view.
  ev('c', 'mobile', '$web_vitals', '/docs', {
    $pageview_id: 'pc1',
    $web_vitals_LCP_value: 3000,
    $web_vitals_FCP_value: 900,
    $web_vitals_TTFB_value: 1000,
  }),
  ev('c', 'mobile', '$web_vitals', '/docs', {
    $pageview_id: 'pc1',
    $web_vitals_INP_value: 180,
    $web_vitals_CLS_value: 0.05,
  }),
  // Session d, an older SDK without page view ids: its session and path make one page view.
  ev('d', 'tablet', 'page_performance', '/pricing', { page_load_time: 900, lcp: 1000 }),
  ev('d', 'tablet', 'web_vitals', '/pricing', { lcp: 1200, inp: 40, cls: 0 }),
  // Not counted: another event name, outside the range, another project.
  ev('a', 'desktop', 'user_click', '/', { page_view_id: 'a1', lcp: 99_999 }),
  ev(
    'e',
    'desktop',
    'web_vitals',
    '/',
    { page_view_id: 'e1', lcp: 99_999 },
    { timestamp: T - 2 * 3_600_000 },
  ),
  ev('f', 'desktop', 'web_vitals', '/', { page_view_id: 'f1', lcp: 99_999 }, { project_id: 'p-other' }),
];

type View = { path: string; device: string } & Partial<Record<WebVitalName, number>>;

/** The page views ROWS hold, by hand: each metric is the largest its reports gave. */
const VIEWS: View[] = [
  { path: '/', device: 'desktop', lcp: 2500, inp: 100, cls: 0.1, fcp: 1000, ttfb: 300 },
  { path: '/docs', device: 'desktop', inp: 600, cls: 0.02 },
  { path: '/', device: 'desktop', inp: 200, cls: 0.3 },
  { path: '/', device: 'mobile', lcp: 4001, inp: 500, cls: 0.25, fcp: 1801, ttfb: 801 },
  { path: '/docs', device: 'mobile', inp: 501, cls: 0.26 },
  { path: '/docs', device: 'mobile', lcp: 3000, inp: 180, cls: 0.05, fcp: 900, ttfb: 1000 },
  { path: '/pricing', device: 'tablet', lcp: 1200, inp: 40, cls: 0 },
];

/** The summary the query should give for some page views: nearest-rank p75 and the schema's ratings. */
function reference(views: View[]): WebVitalsSummary {
  const summary = (vital: WebVitalName): VitalSummary => {
    const values = views.flatMap((v) => (v[vital] === undefined ? [] : [v[vital]]));
    const p75 = nearestRank(
      [...values].sort((a, b) => a - b),
      0.75,
    );
    const shares = Object.fromEntries(
      WEB_VITAL_RATINGS.map((rating) => [
        rating,
        values.length ? values.filter((v) => webVitalRating(vital, v) === rating).length / values.length : 0,
      ]),
    ) as VitalSummary['shares'];
    return { samples: values.length, p75, rating: p75 === null ? null : webVitalRating(vital, p75), shares };
  };
  return Object.fromEntries(WEB_VITALS.map((vital) => [vital, summary(vital)])) as WebVitalsSummary;
}

const groupBy = (views: View[], key: 'path' | 'device') => {
  const groups = new Map<string, View[]>();
  for (const view of views) groups.set(view[key], [...(groups.get(view[key]) ?? []), view]);
  return groups;
};

describe.each(ENGINES)('performance: web vitals per page view on $name', (kind) => {
  let engine: StorageEngine;
  const run = (args: object) =>
    runQuery(engine, performanceQuery, PROJECT, { time_range: '1h', ...args }, NOW);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(ROWS);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('rates the p75 and counts the shares with Google thresholds, per path, per device and overall', async () => {
    const result = await run({});
    const pages = [...groupBy(VIEWS, 'path')];
    expect(result.pages.map((p) => [p.path, p.samples, p.vitals])).toEqual(
      // Most samples first, then by path: '/' and '/docs' have three page views each.
      pages.map(([path, views]) => [path, views.length, reference(views)]),
    );
    expect(result.devices).toEqual(
      [...groupBy(VIEWS, 'device')].map(([device, views]) => ({
        device,
        samples: views.length,
        vitals: reference(views),
      })),
    );
    expect(result.overall).toEqual({ samples: VIEWS.length, vitals: reference(VIEWS) });

    // The same figures written out, so the reference cannot drift from the limits.
    const home = result.pages[0]!;
    expect(home.vitals.lcp).toEqual({
      samples: 2,
      p75: 4001,
      rating: 'poor',
      shares: { good: 0.5, needs_improvement: 0, poor: 0.5 },
    });
    expect(home.vitals.inp).toEqual({
      samples: 3,
      p75: 500,
      rating: 'needs_improvement',
      shares: { good: 2 / 3, needs_improvement: 1 / 3, poor: 0 },
    });
    expect(home.vitals.cls).toMatchObject({ p75: 0.3, rating: 'poor', shares: { good: 1 / 3, poor: 1 / 3 } });
    expect(result.pages[1]!.vitals.inp).toMatchObject({ samples: 3, p75: 600, rating: 'poor' });
    expect(result.pages[2]!.vitals.ttfb).toEqual({
      samples: 0,
      p75: null,
      rating: null,
      shares: { good: 0, needs_improvement: 0, poor: 0 },
    });
    // Load timings still come per page view, from page_performance only.
    expect(home.page_load_time).toEqual({ p50: 1200, p75: 4000, p95: 4000 });
    expect(home.dom_ready_time).toEqual({ p50: 800, p75: 800, p95: 800 });
  });

  it('filters the performance events, and limits only the paths', async () => {
    const mobile = await run({ filters: [{ property: 'device', op: 'eq', value: 'mobile' }] });
    const mobileViews = VIEWS.filter((v) => v.device === 'mobile');
    expect(mobile.pages.map((p) => [p.path, p.samples, p.vitals])).toEqual([
      ['/docs', 2, reference(mobileViews.filter((v) => v.path === '/docs'))],
      ['/', 1, reference(mobileViews.filter((v) => v.path === '/'))],
    ]);
    expect(mobile.devices.map((d) => d.device)).toEqual(['mobile']);
    expect(mobile.overall).toEqual({ samples: 3, vitals: reference(mobileViews) });

    const docs = await run({ filters: [{ property: 'path', op: 'eq', value: '/docs' }], limit: 1 });
    expect(docs.pages.map((p) => p.path)).toEqual(['/docs']);
    expect(docs.devices.map((d) => [d.device, d.samples])).toEqual([
      ['mobile', 2],
      ['desktop', 1],
    ]);

    const limited = await run({ limit: 1 });
    expect(limited.pages.map((p) => p.path)).toEqual(['/']);
    expect(limited.overall.samples).toBe(VIEWS.length);
  });

  it('answers empty figures for a range without reports', async () => {
    const empty = await runQuery(engine, performanceQuery, 'p-none', { time_range: '1h' }, NOW);
    expect(empty).toEqual({ pages: [], devices: [], overall: { samples: 0, vitals: reference([]) } });
  });
});
