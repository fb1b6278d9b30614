import { resolveTimeRange, type TimeRange } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../sql/sql.js';
import { ROLLUP_SLOT_MS, type RollupCover, type SessionRollupCapability } from '../storage/engine.js';
import type { QueryContext } from './registry.js';

export { ROLLUP_SLOT_MS };

/**
 * A time range split between the engine's hourly session rollup (StorageEngine.rollup) and raw
 * events, so overview totals and funnels read one row per session-hour for the whole hours the
 * rollup covers and events only for the rest: the range's partial first and last hours, hours not
 * rolled up yet, and events that arrived after the last refresh. The parts never overlap and
 * together hold exactly the range's events; the random test in test/query/session-rollup.test.ts
 * compares every answer with the events-only one.
 */
export interface RangeSplit {
  /** The engine's rollup: `rows` (read `FROM ${split.rows}`) and per-name access. */
  store: SessionRollupCapability;
  /** The rollup's rows, for FROM. */
  rows: SqlFragment;
  /** Condition on `rows` (whole covered hours of the range, the generation read). */
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
  const store = engine.rollup;
  if (!store) return null;
  const cover = await store.readCover((fragment) => engine.query(fragment), names);
  return splitAtCover(store, projectId, resolveTimeRange(range, now), cover);
}

/**
 * The split of [from, to) at a given cover: splitRange's, with the cover it just read; a caller
 * that pins an earlier cover (a page of the sessions list continuing an earlier one) passes that.
 */
export function splitAtCover(
  store: SessionRollupCapability,
  projectId: string,
  { from, to }: { from: number; to: number },
  { generation, coveredSeq, coveredEnd, nameIds }: RollupCover,
): RangeSplit {
  const project = sql`project_id = ${projectId}`;
  const between = (a: number, b: number) => sql`${project} AND timestamp >= ${a} AND timestamp < ${b}`;
  // Whole hours inside the range that the rollup covers (it covers none before 0).
  const wholeFrom = Math.max(0, Math.ceil(from / ROLLUP_SLOT_MS) * ROLLUP_SLOT_MS);
  const wholeTo = Math.min(Math.floor(to / ROLLUP_SLOT_MS) * ROLLUP_SLOT_MS, coveredEnd);
  if (generation === 0 || wholeTo <= wholeFrom) {
    return { store, rows: store.rows, rollup: raw('FALSE'), raw: [between(from, to)], nameIds };
  }
  const parts = [sql`${between(wholeFrom, wholeTo)} AND seq > ${coveredSeq}`];
  if (from < wholeFrom) parts.push(between(from, wholeFrom));
  if (wholeTo < to) parts.push(between(wholeTo, to));
  return {
    store,
    rows: store.rows,
    rollup: store.rowsWhere(projectId, generation, wholeFrom, wholeTo),
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
