import { EVENTS, resolveTimeRange, type TimeRange } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { QueryContext } from '../registry.js';
import { type RangeSplit, splitAtCover } from '../session-rollup.js';

/**
 * The periods a web query reads, each split between the engine's hourly session rollup and raw
 * events (query/session-rollup.ts), so unfiltered figures read one row per session-hour for the
 * hours the rollup covers. Two periods never share a rollup row: each is split on its own.
 */
export interface Period {
  /** 0, 1, …: the `period` column of the rows read for it. */
  index: number;
  from: number;
  to: number;
  /** null when the engine keeps no rollup: the period's events are read directly. */
  split: RangeSplit | null;
}

export interface TimeBounds {
  from: number;
  to: number;
}

/** The range and the period of the same length just before it: [from − (to − from), from). */
export function rangeAndPrevious(range: TimeRange, now: number): TimeBounds[] {
  const { from, to } = resolveTimeRange(range, now);
  return [
    { from, to },
    { from: from - (to - from), to: from },
  ];
}

/** Each range as a Period, over one read of the rollup's cover (so all see the same snapshot). */
export async function readPeriods(ctx: QueryContext, ranges: readonly TimeBounds[]): Promise<Period[]> {
  const { engine, projectId } = ctx;
  const store = engine.rollup;
  const cover = store ? await store.readCover((f) => engine.query(f), [EVENTS.pageView]) : null;
  return ranges.map((range, index) => ({
    index,
    ...range,
    split: store && cover ? splitAtCover(store, projectId, range, cover) : null,
  }));
}

/** The period's events as `SELECT <columns> FROM events WHERE …` parts, joined by UNION ALL. */
export function periodEvents(
  ctx: QueryContext,
  period: Period,
  columns: SqlFragment,
  extra: SqlFragment = raw('1 = 1'),
): SqlFragment {
  const parts = period.split
    ? period.split.raw
    : [sql`project_id = ${ctx.projectId} AND timestamp >= ${period.from} AND timestamp < ${period.to}`];
  return join(
    parts.map((part) => sql`SELECT ${columns} FROM events WHERE ${part} AND ${extra}`),
    ' UNION ALL ',
  );
}

/**
 * Rows that together stand for every event of the period, one per rollup session-hour or raw
 * event: period, t (the hour or the event time), distinct_id, pv (page views). Sums and distinct
 * ids over them equal those over the events; a row's `t` is exact only for raw events.
 */
export function periodUnits(ctx: QueryContext, period: Period): SqlFragment {
  const tag = raw(String(Math.trunc(period.index)));
  const events = periodEvents(
    ctx,
    period,
    sql`${tag} AS period, timestamp AS t, distinct_id, CASE WHEN event = ${EVENTS.pageView} THEN 1 ELSE 0 END AS pv`,
  );
  const split = period.split;
  if (!split) return events;
  const pageViews = split.store.perName('count', split.nameIds.get(EVENTS.pageView));
  return sql`SELECT ${tag} AS period, hour AS t, distinct_id, coalesce(${pageViews}, 0) AS pv
    FROM ${split.rows} WHERE ${split.rollup}
    UNION ALL ${events}`;
}

/** `SELECT … UNION ALL SELECT …` of each period's rows. */
export function unionOf(periods: readonly Period[], rows: (period: Period) => SqlFragment): SqlFragment {
  return join(
    periods.map((period) => sql`SELECT * FROM (${rows(period)}) AS ${raw(`p${period.index}`)}`),
    ' UNION ALL ',
  );
}
