import { PERFORMANCE_METRICS, type PerformanceMetric } from '@sightline/schema';
import type { SqlDialect } from '../sql/dialect.js';
import { inList, join, raw, type SqlFragment, sql } from '../sql/sql.js';

/**
 * What a page view measured, read from the events that report it (docs/SEMANTICS.md, Web vitals),
 * for every engine: the performance query reads it from `events` and the DuckDB rollup
 * (duckdb/page-view-rollup.ts) stores it per hour, so both read the same meaning.
 *
 * A page view is one document load or one single-page-app route: the SDK stamps `page_view_id` on
 * its `page_performance` (load timings and the vitals known at load) and `web_vitals` (a page
 * view's values, sent when a route change leaves it and when the page is hidden); posthog-js stamps
 * `$pageview_id` on `$web_vitals`. Reports without either (older SDKs) make one page view per
 * session and path. A page view's value of a metric is the largest reported: LCP, CLS and INP only
 * grow while the page view lives and FCP and TTFB are fixed, so the largest is the final one.
 */

/** SDK events (packages/sdk/src/plugins/performance.ts). */
export const PAGE_PERFORMANCE = 'page_performance';
export const WEB_VITALS_EVENT = 'web_vitals';
/** posthog-js: `$web_vitals` with `$web_vitals_<NAME>_value`. */
export const POSTHOG_WEB_VITALS = '$web_vitals';
export const PAGE_VIEW_METRIC_EVENTS = [PAGE_PERFORMANCE, WEB_VITALS_EVENT, POSTHOG_WEB_VITALS] as const;

/** The properties naming the page view a report belongs to: the SDK's, then posthog-js's. */
const PAGE_VIEW_ID_KEYS = ['page_view_id', '$pageview_id'] as const;

const LOAD_EVENTS = [PAGE_PERFORMANCE];
const VITALS_EVENTS = [PAGE_PERFORMANCE, WEB_VITALS_EVENT];

/** Where each metric is read: the SDK events carrying its property and, for web vitals, posthog-js's name. */
const SOURCES: Record<PerformanceMetric, { events: readonly string[]; posthog?: string }> = {
  page_load_time: { events: LOAD_EVENTS },
  dom_ready_time: { events: LOAD_EVENTS },
  time_to_interactive: { events: LOAD_EVENTS },
  lcp: { events: VITALS_EVENTS, posthog: '$web_vitals_LCP_value' },
  inp: { events: VITALS_EVENTS, posthog: '$web_vitals_INP_value' },
  cls: { events: VITALS_EVENTS, posthog: '$web_vitals_CLS_value' },
  fcp: { events: VITALS_EVENTS, posthog: '$web_vitals_FCP_value' },
  ttfb: { events: VITALS_EVENTS, posthog: '$web_vitals_TTFB_value' },
};

/** An events row's page view id ('' for reports without one: then session and path decide). */
export function pageViewIdSql(dialect: SqlDialect): SqlFragment {
  const [sdk, posthog] = PAGE_VIEW_ID_KEYS.map((key) => dialect.jsonString(raw('properties'), key)) as [
    SqlFragment,
    SqlFragment,
  ];
  return sql`(CASE WHEN ${sdk} <> '' THEN ${sdk} ELSE ${posthog} END)`;
}

/** Aggregates over an events row group: each metric's largest reported value, named after the metric. */
export function pageViewMetricsSql(dialect: SqlDialect): SqlFragment {
  const props = raw('properties');
  return join(
    PERFORMANCE_METRICS.map((name) => {
      const { events, posthog } = SOURCES[name];
      const fromPosthog = posthog
        ? sql` WHEN event = ${POSTHOG_WEB_VITALS} THEN ${dialect.jsonNumber(props, posthog)}`
        : raw('');
      return sql`max(CASE WHEN ${inList(raw('event'), events)} THEN ${dialect.jsonNumber(props, name)}${fromPosthog} END) AS ${raw(name)}`;
    }),
  );
}

/** The events rows that report page view metrics (append with AND). */
export function pageViewEventsSql(): SqlFragment {
  return inList(raw('event'), PAGE_VIEW_METRIC_EVENTS);
}
