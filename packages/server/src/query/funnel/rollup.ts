import { inList, join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { QueryContext } from '../registry.js';
import { eventScope } from '../scope.js';
import { type RangeSplit, rawEvents } from '../session-rollup.js';
import { breakdownSql, type FunnelSpec, stepEvents } from './spec.js';

/**
 * The funnel chain's per-unit aggregates (chain.ts) read from the hourly session rollup
 * (session-rollup.ts) instead of every event: n0, lo_k / hi_k per step, and the breakdown value
 * joined from the start events. Read only for funnels without filters (chain.ts). Friction is
 * not read here: the chain joins each session to the factors the processor stored for it.
 */

/** Replaces the aggregates' empty bval with each unit's breakdown: the property on its earliest start (timestamp, then seq). */
export function withBreakdown(
  ctx: QueryContext,
  spec: FunnelSpec,
  aggregates: SqlFragment,
  unit: SqlFragment,
): SqlFragment {
  const { dialect } = ctx.engine;
  const scope = eventScope(ctx.projectId, spec.time_range, ctx.now);
  const value = dialect.argMinIf(
    breakdownSql(spec.breakdown as string, dialect),
    [raw('timestamp'), raw('seq')],
    raw('1 = 1'),
  );
  const columns = ['unit', 'n0', ...spec.steps.flatMap((_, k) => [`lo${k}`, `hi${k}`])].map(
    (column) => `a.${column}`,
  );
  return sql`SELECT ${raw(columns.join(', '))}, coalesce(b.bval, '') AS bval
    FROM (${aggregates}) AS a
    LEFT JOIN (SELECT ${unit} AS unit, ${value} AS bval FROM events
               WHERE ${scope.where} AND event = ${stepEvents(spec)[0] as string} AND ${unit} <> ''
               GROUP BY ${unit}) AS b ON a.unit = b.unit`;
}

/**
 * The same per-unit aggregates from the hourly session rollup plus the range's raw remainder
 * (session-rollup.ts): a session-hour row gives a step's count and first / last time directly,
 * an event gives 1 and its timestamp; the unit's rows then merge by sum / min / max.
 */
export function rollupAggregates(spec: FunnelSpec, split: RangeSplit, unit: SqlFragment): SqlFragment {
  const names = stepEvents(spec);
  const [start] = names as [string];
  // A name without a rollup id is in no rollup row: its statistics are NULL.
  const at = (stat: 'count' | 'first' | 'last', name: string) =>
    split.store.perName(stat, split.nameIds.get(name));
  const fromRollup = names.map(
    (name, k) => sql`${at('first', name)} AS ${raw(`lo${k}`)}, ${at('last', name)} AS ${raw(`hi${k}`)}`,
  );
  const fromEvents = names.map(
    (name, k) => sql`CASE WHEN event = ${name} THEN timestamp END AS ${raw(`lo${k}`)},
      CASE WHEN event = ${name} THEN timestamp END AS ${raw(`hi${k}`)}`,
  );
  const merged = spec.steps.map((_, k) => raw(`min(lo${k}) AS lo${k}, max(hi${k}) AS hi${k}`));
  const relevant = sql`${unit} <> '' AND ${inList(raw('event'), names)}`;
  const events = rawEvents(
    split,
    sql`${unit} AS unit, CASE WHEN event = ${start} THEN 1 ELSE 0 END AS n0, ${join(fromEvents)}`,
    relevant,
  );
  const rollupRows = (condition: SqlFragment) =>
    sql`SELECT ${unit} AS unit, coalesce(${at('count', start)}, 0) AS n0, ${join(fromRollup)}
      FROM ${split.rows} WHERE ${split.rollup} AND ${unit} <> '' AND ${condition}`;
  const grouped = (
    rollupCondition: SqlFragment,
  ) => sql`SELECT unit, sum(n0) AS n0, ${join(merged)}, '' AS bval
    FROM (${rollupRows(rollupCondition)} UNION ALL ${events}) AS e
    GROUP BY unit
    HAVING sum(n0) > 0`;
  if (spec.unit === 'user') return grouped(raw('1 = 1'));
  // Most sessions have one rollup row and no relevant events in the raw part: that row is already
  // the session's aggregate. Grouping (the costly part) is left to the rest.
  const inRawPart = sql`session_id IN (${rawEvents(split, raw('session_id'), relevant)})`;
  const columns = spec.steps.map((_, k) => `lo${k}, hi${k}`).join(', ');
  return sql`SELECT unit, n0, ${raw(columns)}, '' AS bval
      FROM (${rollupRows(sql`single AND NOT ${inRawPart}`)}) AS one WHERE n0 > 0
    UNION ALL ${grouped(sql`(NOT single OR ${inRawPart})`)}`;
}
