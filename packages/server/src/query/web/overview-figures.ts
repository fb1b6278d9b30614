import { EVENTS, type QueryFilter, type WebOverviewFigures, type WebSeriesPoint } from '@sightline/schema';
import { raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { QueryRow } from '../../storage/engine.js';
import { filterCondition, hasFilters } from '../filters.js';
import type { QueryContext } from '../registry.js';
import { type TrendBuckets, trendBuckets } from '../trend-buckets.js';
import { type Period, periodUnits, unionOf } from './periods.js';
import { sessionSummaries } from './session-summaries.js';

/**
 * web_overview's figures and sparkline points per period (docs/SEMANTICS.md, Web analytics), in
 * three queries: sessions per point of their first event (their page views and duration with
 * them, so totals are sums), visitors and page views per point, and visitors over the period.
 * Distinct counts group by (…, id) first and count rows: DuckDB runs that in parallel, where a
 * grouped count(DISTINCT) is several times slower.
 */
export interface PeriodOverview {
  figures: WebOverviewFigures;
  bucket_ms: number;
  points: WebSeriesPoint[];
}

/** The matching events of a period as (period, t, distinct_id, pv); without filters, the rollup's units. */
function matchingRows(ctx: QueryContext, period: Period, filters?: readonly QueryFilter[]): SqlFragment {
  if (!hasFilters(filters)) return periodUnits(ctx, period);
  const tag = raw(String(Math.trunc(period.index)));
  return sql`SELECT ${tag} AS period, timestamp AS t, distinct_id,
      CASE WHEN event = ${EVENTS.pageView} THEN 1 ELSE 0 END AS pv
    FROM events WHERE project_id = ${ctx.projectId} AND timestamp >= ${period.from} AND timestamp < ${period.to}
      AND ${filterCondition(filters, ctx.engine.dialect)}`;
}

/** The point (0 …) of a ms column in a layout; both bounds are code-computed integers. */
const pointOf = (layout: TrendBuckets, column: string): SqlFragment =>
  raw(`floor((${column} - ${Math.trunc(layout.from)}) / ${Math.trunc(layout.bucket_ms)})`);

const num = (row: QueryRow | undefined, column: string): number => Number(row?.[column] ?? 0);

export async function loadPeriodOverviews(
  ctx: QueryContext,
  periods: readonly Period[],
  filters?: readonly QueryFilter[],
): Promise<PeriodOverview[]> {
  const { engine } = ctx;
  const layouts = periods.map((p) => trendBuckets(p.from, p.to));
  const layoutOf = (p: Period) => layouts[p.index] as TrendBuckets;
  // A rollup row is a whole clock hour: its events fall in one point only when points are hours or days.
  const byEvent = (p: Period) => (layoutOf(p).unit === 'minute' ? { ...p, split: null } : p);
  const [sessionRows, pointRows, visitorRows] = await Promise.all([
    engine.query(
      sql`SELECT period, idx, count(*) AS sessions, sum(CASE WHEN pv > 0 THEN 1 ELSE 0 END) AS landed,
            sum(CASE WHEN pv = 1 THEN 1 ELSE 0 END) AS bounces, sum(l - f) AS duration
          FROM (${unionOf(
            periods,
            (p) => sql`SELECT period, ${pointOf(layoutOf(p), 'f')} AS idx, pv, f, l
              FROM (${sessionSummaries(ctx, p, filters)}) AS s`,
          )}) AS r
          GROUP BY period, idx`,
    ),
    engine.query(
      sql`SELECT period, idx, sum(CASE WHEN distinct_id <> '' THEN 1 ELSE 0 END) AS visitors, sum(pv) AS pageviews
          FROM (${unionOf(
            periods,
            (p) => sql`SELECT period, idx, distinct_id, sum(pv) AS pv
              FROM (SELECT period, ${pointOf(layoutOf(p), 't')} AS idx, distinct_id, pv
                    FROM (${matchingRows(ctx, byEvent(p), filters)}) AS m) AS i
              GROUP BY period, idx, distinct_id`,
          )}) AS r
          GROUP BY period, idx`,
    ),
    engine.query(
      sql`SELECT period, count(*) AS visitors
          FROM (${unionOf(
            periods,
            (p) => sql`SELECT period, distinct_id FROM (${matchingRows(ctx, p, filters)}) AS m
              WHERE distinct_id <> '' GROUP BY period, distinct_id`,
          )}) AS r
          GROUP BY period`,
    ),
  ]);
  return periods.map((period) => {
    const layout = layoutOf(period);
    const points: WebSeriesPoint[] = Array.from({ length: layout.buckets }, (_, k) => ({
      t: layout.from + k * layout.bucket_ms,
      visitors: 0,
      sessions: 0,
      pageviews: 0,
    }));
    const totals = { sessions: 0, landed: 0, bounces: 0, duration: 0, pageviews: 0 };
    for (const row of sessionRows) {
      if (num(row, 'period') !== period.index) continue;
      totals.sessions += num(row, 'sessions');
      totals.landed += num(row, 'landed');
      totals.bounces += num(row, 'bounces');
      totals.duration += num(row, 'duration');
      const point = points[num(row, 'idx')];
      if (point) point.sessions = num(row, 'sessions');
    }
    for (const row of pointRows) {
      if (num(row, 'period') !== period.index) continue;
      totals.pageviews += num(row, 'pageviews');
      const point = points[num(row, 'idx')];
      if (point) {
        point.visitors = num(row, 'visitors');
        point.pageviews = num(row, 'pageviews');
      }
    }
    const { sessions, landed, bounces, duration, pageviews } = totals;
    return {
      figures: {
        visitors: num(
          visitorRows.find((r) => num(r, 'period') === period.index),
          'visitors',
        ),
        sessions,
        pageviews,
        views_per_session: sessions > 0 ? pageviews / sessions : 0,
        bounce_rate: landed > 0 ? bounces / landed : 0,
        avg_session_duration_ms: sessions > 0 ? duration / sessions : 0,
      },
      bucket_ms: layout.bucket_ms,
      points,
    };
  });
}
