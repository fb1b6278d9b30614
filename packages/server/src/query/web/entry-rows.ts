import type { QueryFilter, TimeRange } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import {
  ENTRY_SOURCE_COLUMNS,
  type EntryDimension,
  selectEntryDimensions,
} from '../../storage/entry-dimensions.js';
import { filterCondition, hasFilters } from '../filters.js';
import type { QueryContext } from '../registry.js';
import { eventScope } from '../scope.js';
import { type RangeSplit, rawEvents, splitRange } from '../session-rollup.js';

export interface EntryRowArgs {
  time_range: TimeRange;
  filters?: readonly QueryFilter[] | undefined;
}

/**
 * One row per counted session of the range: `distinct_id` and the asked entry dimensions
 * (storage/entry-dimensions.ts) of its entry event, under the dimensions' own names.
 *
 * A session is counted when it has a non-empty session_id and, with filters, at least one event
 * in the range that meets every filter. Its entry event is its first event in the range (by
 * timestamp, then seq), whether or not that one matches: a session found by a later page is still
 * attributed to how it arrived.
 *
 * Where the engine keeps a session-entry rollup (DuckDB), the range's whole covered hours are read
 * from it (one row per session-hour, dimensions already computed) and only the rest from events;
 * with filters, the matching sessions are found by a semi-join on the events that meet them.
 */
export async function entryRows(
  ctx: QueryContext,
  args: EntryRowArgs,
  dimensions: readonly EntryDimension[],
): Promise<SqlFragment> {
  const names = ['distinct_id', ...dimensions.filter((d) => d !== 'distinct_id')] as EntryDimension[];
  const entries = ctx.engine.rollup?.sessionEntries;
  const split = entries ? await splitRange(ctx, args.time_range) : null;
  if (!entries || !split) return entriesFromEvents(ctx, args, names);
  return entriesFromRollup(ctx, args, names, entries, split);
}

/**
 * Per session of the given events: its first event's time and seq and ENTRY_SOURCE_COLUMNS, under
 * the events' own names, so the dimensions' expressions read them unchanged. Aggregates get their
 * own names one level down: ClickHouse reads `argMin(url, …) AS url` as a cyclic alias.
 */
function firstEvents(ctx: QueryContext, events: SqlFragment, having: SqlFragment = raw('')): SqlFragment {
  const { dialect } = ctx.engine;
  const first = (column: string) => dialect.argMin(raw(column), [raw('timestamp'), raw('seq')]);
  const aggregates = join(ENTRY_SOURCE_COLUMNS.map((c) => sql`${first(c)} AS ${raw(`first_${c}`)}`));
  const renamed = join(ENTRY_SOURCE_COLUMNS.map((c) => raw(`first_${c} AS ${c}`)));
  return sql`SELECT session_id, entry_ts, entry_seq, ${renamed} FROM (
      SELECT session_id, min(timestamp) AS entry_ts, ${first('seq')} AS entry_seq, ${aggregates}
      FROM (${events}) AS ev
      GROUP BY session_id${having}) AS f`;
}

/** Without a rollup: every event of the range, grouped by session (filters in HAVING). */
function entriesFromEvents(
  ctx: QueryContext,
  args: EntryRowArgs,
  names: readonly EntryDimension[],
): SqlFragment {
  const { dialect } = ctx.engine;
  const scope = eventScope(ctx.projectId, args.time_range, ctx.now).where;
  const filtered = hasFilters(args.filters);
  const columns = raw(['session_id', 'timestamp', 'seq', ...ENTRY_SOURCE_COLUMNS].join(', '));
  const matched = filtered
    ? sql`, CASE WHEN ${filterCondition(args.filters, dialect)} THEN 1 ELSE 0 END AS matched`
    : raw('');
  const events = sql`SELECT ${columns}${matched} FROM events WHERE ${scope} AND session_id <> ''`;
  const having = filtered ? raw(' HAVING max(matched) = 1') : raw('');
  return selectEntryDimensions(dialect, null, firstEvents(ctx, events, having), names);
}

/**
 * From the rollup's rows and the raw parts' first events: each session's first row by
 * (entry_ts, entry_seq) is its entry. A rollup row marked `single` of a session without raw events
 * already is its entry, so only the other sessions are grouped. With filters, only the rows of
 * matching sessions are kept.
 */
function entriesFromRollup(
  ctx: QueryContext,
  args: EntryRowArgs,
  names: readonly EntryDimension[],
  entries: SqlFragment,
  split: RangeSplit,
): SqlFragment {
  const { dialect } = ctx.engine;
  const list = raw(names.join(', '));
  const rawColumns = raw(['session_id', 'timestamp', 'seq', ...ENTRY_SOURCE_COLUMNS].join(', '));
  const named = raw("session_id <> ''");
  const fromRaw = selectEntryDimensions(
    dialect,
    raw('session_id, entry_ts, entry_seq'),
    firstEvents(ctx, rawEvents(split, rawColumns, named)),
    names,
  );
  const rawSessions = sql`SELECT session_id FROM (${rawEvents(split, raw('session_id'), named)}) AS e GROUP BY session_id`;
  const inRaw = sql`session_id IN (${rawSessions})`;
  const rollupRows = (columns: SqlFragment, condition: SqlFragment) =>
    sql`SELECT session_id, ${columns} FROM ${entries} WHERE ${split.rollup} AND ${condition}`;
  const keys = [raw('entry_ts'), raw('entry_seq')];
  const firsts = join(
    names.map((name) => sql`${dialect.argMin(raw(name), keys)} AS ${raw(`entry_${name}`)}`),
  );
  const renamed = join(names.map((name) => raw(`entry_${name} AS ${name}`)));
  const grouped = sql`SELECT session_id, ${renamed} FROM (
      SELECT session_id, ${firsts}
      FROM (${rollupRows(sql`entry_ts, entry_seq, ${list}`, sql`(NOT single OR ${inRaw})`)}
            UNION ALL ${fromRaw}) AS u
      GROUP BY session_id) AS s`;
  const all = sql`${rollupRows(list, sql`single AND NOT ${inRaw}`)} UNION ALL ${grouped}`;
  if (!hasFilters(args.filters)) return sql`SELECT ${list} FROM (${all}) AS a`;
  // Each matching session once: an IN list of every matching event makes the hash table as large as the events.
  const matching = sql`SELECT session_id FROM events
    WHERE ${eventScope(ctx.projectId, args.time_range, ctx.now).where} AND session_id <> ''
      AND ${filterCondition(args.filters, dialect)}
    GROUP BY session_id`;
  return sql`SELECT ${list} FROM (${all}) AS a WHERE session_id IN (${matching})`;
}
