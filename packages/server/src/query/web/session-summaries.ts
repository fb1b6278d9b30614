import { EVENTS, type QueryFilter } from '@sightline/schema';
import { raw, type SqlFragment, sql } from '../../sql/sql.js';
import { filterCondition, hasFilters } from '../filters.js';
import type { QueryContext } from '../registry.js';
import { type Period, periodEvents } from './periods.js';

/**
 * One row per counted session of a period (docs/SEMANTICS.md, Web analytics): period, session_id,
 * pv (its page views in the period), f / l (its first / last event time in the period). Counted:
 * a non-empty session id with at least one matching event (every session without filters).
 *
 * From the session rollup, a row marked `single` is its session's only one: when the session has
 * no event in the raw parts either, that row already is the session's summary, so only the other
 * sessions are grouped (most sessions last minutes and sit in one row).
 */
export function sessionSummaries(
  ctx: QueryContext,
  period: Period,
  filters?: readonly QueryFilter[],
): SqlFragment {
  const all = allSessionSummaries(ctx, period);
  if (!hasFilters(filters)) return all;
  return sql`SELECT * FROM (${all}) AS a WHERE session_id IN (${matchingSessions(ctx, period, filters)})`;
}

function allSessionSummaries(ctx: QueryContext, period: Period): SqlFragment {
  const tag = raw(String(Math.trunc(period.index)));
  const events = periodEvents(
    ctx,
    period,
    sql`${tag} AS period, session_id, CASE WHEN event = ${EVENTS.pageView} THEN 1 ELSE 0 END AS pv,
      timestamp AS f, timestamp AS l`,
    raw("session_id <> ''"),
  );
  const grouped = (rows: SqlFragment) =>
    sql`SELECT period, session_id, sum(pv) AS pv, min(f) AS f, max(l) AS l FROM (${rows}) AS r
      GROUP BY period, session_id`;
  const split = period.split;
  if (!split) return grouped(events);
  const rawSessions = periodEvents(ctx, period, raw('session_id'), raw("session_id <> ''"));
  const inRawParts = sql`session_id IN (SELECT session_id FROM (${rawSessions}) AS e GROUP BY session_id)`;
  const pageViews = split.store.perName('count', split.nameIds.get(EVENTS.pageView));
  const rollupRows = (condition: SqlFragment) =>
    sql`SELECT ${tag} AS period, session_id, coalesce(${pageViews}, 0) AS pv,
        ${split.store.span('first')} AS f, ${split.store.span('last')} AS l
      FROM ${split.rows} WHERE ${split.rollup} AND session_id <> '' AND ${condition}`;
  return sql`${rollupRows(sql`single AND NOT ${inRawParts}`)}
    UNION ALL ${grouped(sql`${rollupRows(sql`(NOT single OR ${inRawParts})`)} UNION ALL ${events}`)}`;
}

/**
 * Sessions of the period with at least one event meeting the filters, each once: an IN list built
 * from every matching event (duplicates included) made DuckDB's hash table as large as the events.
 */
export function matchingSessions(
  ctx: QueryContext,
  period: Period,
  filters: readonly QueryFilter[],
): SqlFragment {
  return sql`SELECT session_id FROM events
    WHERE project_id = ${ctx.projectId} AND timestamp >= ${period.from} AND timestamp < ${period.to}
      AND session_id <> '' AND ${filterCondition(filters, ctx.engine.dialect)}
    GROUP BY session_id`;
}
