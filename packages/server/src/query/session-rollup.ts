import { resolveTimeRange, type TimeRange } from '@sightline/schema';
import type { QueryContext } from './registry.js';
import { inList } from './scope.js';
import { join, raw, type SqlFragment, sql } from './sql.js';

/** The rollup's bucket: one row per (project, hour, session, distinct id). */
export const ROLLUP_HOUR_MS = 3_600_000;

/**
 * A time range split between the hourly session rollup (storage/duckdb/session-rollup.ts) and raw
 * events, so overview totals and funnels read one row per session-hour for the whole hours the
 * rollup covers and events only for the rest: the range's partial first and last hours, hours not
 * rolled up yet, and events that arrived after the last refresh. The parts never overlap and
 * together hold exactly the range's events; the random test in test/query/session-rollup.test.ts
 * compares every answer with the events-only one.
 */
export interface RangeSplit {
  /** Condition on `session_hours` rows (whole covered hours of the range, the generation read). */
  rollup: SqlFragment;
  /**
   * Conditions on `events`, one per disjoint part, each a plain range on timestamp (or seq) so
   * DuckDB's zone maps skip the rest of the table: read them with UNION ALL, not OR.
   */
  raw: SqlFragment[];
  /** The rollup's id of each name asked for; a name without one is in no rollup row. */
  nameIds: Map<string, number>;
}

/**
 * null when the engine keeps no rollup (ClickHouse): the caller reads events only. `names`: event
 * names whose rollup ids the caller needs.
 */
export async function splitRange(
  ctx: QueryContext,
  range: TimeRange,
  names: readonly string[] = [],
): Promise<RangeSplit | null> {
  const { engine, projectId, now } = ctx;
  if (typeof engine.refreshSessionRollup !== 'function') return null;
  const { from, to } = resolveTimeRange(range, now);
  const [[state], ids] = await Promise.all([
    engine.query(sql`SELECT generation, covered_seq, covered_hour FROM session_rollup_state`),
    names.length > 0
      ? engine.query(sql`SELECT name, id FROM session_rollup_names WHERE ${inList(raw('name'), names)}`)
      : Promise.resolve([]),
  ]);
  const nameIds = new Map(ids.map((row) => [String(row['name']), Number(row['id'])]));
  const generation = Number(state?.['generation'] ?? 0);
  const coveredSeq = Number(state?.['covered_seq'] ?? 0);
  const coveredEnd = Number(state?.['covered_hour'] ?? -ROLLUP_HOUR_MS) + ROLLUP_HOUR_MS;
  const project = sql`project_id = ${projectId}`;
  const between = (a: number, b: number) => sql`${project} AND timestamp >= ${a} AND timestamp < ${b}`;
  // Whole hours inside the range that the rollup covers (it covers none before 0).
  const wholeFrom = Math.max(0, Math.ceil(from / ROLLUP_HOUR_MS) * ROLLUP_HOUR_MS);
  const wholeTo = Math.min(Math.floor(to / ROLLUP_HOUR_MS) * ROLLUP_HOUR_MS, coveredEnd);
  if (generation === 0 || wholeTo <= wholeFrom) {
    return { rollup: raw('FALSE'), raw: [between(from, to)], nameIds };
  }
  const parts = [sql`${between(wholeFrom, wholeTo)} AND seq > ${coveredSeq}`];
  if (from < wholeFrom) parts.push(between(from, wholeFrom));
  if (wholeTo < to) parts.push(between(wholeTo, to));
  return {
    rollup: sql`${project} AND generation <= ${generation} AND hour >= ${wholeFrom} AND hour < ${wholeTo}`,
    raw: parts,
    nameIds,
  };
}

/** `SELECT <columns> FROM events WHERE <part> [AND <extra>]` for each raw part, joined by UNION ALL. */
export function rawEvents(split: RangeSplit, columns: SqlFragment, extra?: SqlFragment): SqlFragment {
  const and = extra ? sql` AND ${extra}` : raw('');
  return join(
    split.raw.map((part) => sql`SELECT ${columns} FROM events WHERE ${part}${and}`),
    ' UNION ALL ',
  );
}
