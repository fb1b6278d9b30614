import { PERFORMANCE_METRICS, type QueryFilter, type TimeRange } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../sql/sql.js';
import { pageViewEventsSql, pageViewIdSql, pageViewMetricsSql } from '../storage/page-view-metrics.js';
import { filterCondition, hasFilters } from './filters.js';
import type { QueryContext } from './registry.js';
import { eventScope } from './scope.js';
import { splitRange } from './session-rollup.js';

/**
 * The page views the performance query summarises, one row each (docs/SEMANTICS.md, Web vitals):
 * `path`, `device` and every metric's value for that page view (storage/page-view-metrics.ts says
 * what a page view and its values are). Whole hours the engine's rollup covers are read from its
 * page-view rows (StorageEngine.rollup.pageViews), the rest of the range from events; a page view
 * with rows in both, or cut by an hour, is merged by taking each metric's largest value again;
 * a rollup row marked `single` of a session without raw reports needs no merging.
 */

export interface PageViewsArgs {
  time_range: TimeRange;
  filters?: readonly QueryFilter[] | undefined;
}

/** Filters the rollup's rows can answer: they keep these columns of the events they stand for. */
const ROLLUP_FILTER_PROPERTIES = new Set<string>(['path', 'device', 'browser', 'os']);

const METRIC_LIST = raw(PERFORMANCE_METRICS.join(', '));
const LARGEST = raw(PERFORMANCE_METRICS.map((metric) => `max(${metric}) AS ${metric}`).join(', '));
/** One page view: a session's reports with one page view id (or none) on one path and device. */
const PAGE_VIEW_KEY = raw('session_id, page_view, path, device');

/** A relation with one row per page view of the range whose performance events match the filters. */
export async function performancePageViews(ctx: QueryContext, args: PageViewsArgs): Promise<SqlFragment> {
  const { dialect, rollup } = ctx.engine;
  const filters = filterCondition(args.filters, dialect);
  const perPageView = (where: SqlFragment) =>
    sql`SELECT ${PAGE_VIEW_KEY}, ${METRIC_LIST} FROM (
          SELECT session_id, ${pageViewIdSql(dialect)} AS page_view, path, device, ${pageViewMetricsSql(dialect)}
          FROM events WHERE ${where} AND ${pageViewEventsSql()} AND ${filters}
          GROUP BY session_id, page_view, path, device) AS reports`;
  const rollupAnswers =
    rollup?.pageViews !== undefined &&
    (!hasFilters(args.filters) || args.filters.every((f) => ROLLUP_FILTER_PROPERTIES.has(f.property)));
  const split = rollupAnswers ? await splitRange(ctx, args.time_range) : null;
  if (!split || !rollup?.pageViews) {
    const scope = eventScope(ctx.projectId, args.time_range, ctx.now);
    return sql`SELECT path, device, ${METRIC_LIST} FROM (${perPageView(scope.where)}) AS page_views`;
  }
  // A row marked single is its page view's whole answer unless the session has raw reports too.
  const rawSessions = join(
    split.raw.map((part) => sql`SELECT session_id FROM events WHERE ${part} AND ${pageViewEventsSql()}`),
    ' UNION ALL ',
  );
  const inRaw = sql`session_id IN (SELECT session_id FROM (${rawSessions}) AS r GROUP BY session_id)`;
  const table = rollup.pageViews;
  const rollupRows = (columns: SqlFragment, condition: SqlFragment) =>
    sql`SELECT ${columns} FROM ${table} WHERE ${split.rollup} AND ${filters} AND ${condition}`;
  const parts = [
    rollupRows(sql`${PAGE_VIEW_KEY}, ${METRIC_LIST}`, sql`(NOT single OR ${inRaw})`),
    ...split.raw.map(perPageView),
  ];
  return sql`${rollupRows(sql`path, device, ${METRIC_LIST}`, sql`single AND NOT ${inRaw}`)}
    UNION ALL SELECT path, device, ${LARGEST} FROM (${join(parts, ' UNION ALL ')}) AS parts
    GROUP BY ${PAGE_VIEW_KEY}`;
}
