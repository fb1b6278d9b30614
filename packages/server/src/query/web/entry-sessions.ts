import type { QueryFilter, TimeRange } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { filterCondition, hasFilters } from '../filters.js';
import type { QueryContext } from '../registry.js';
import { eventScope } from '../scope.js';

/** Columns of `events` a breakdown can read from a session's entry event. */
export type EntryColumn = 'referrer' | 'url' | 'properties' | 'browser' | 'os' | 'device' | 'country';

export interface EntrySessionArgs {
  time_range: TimeRange;
  filters?: readonly QueryFilter[] | undefined;
}

/**
 * One row per counted session of the range: `distinct_id` and the `columns` of its entry event,
 * under the events table's own column names, so expressions written for `events` rows (the
 * filters' referrer_domain and utm_*) read them unchanged.
 *
 * A session is counted when it has a non-empty session_id and, with filters, at least one event
 * in the range that meets every filter. Its entry event is its first event in the range (by
 * timestamp, then seq), whether or not that one matches: a session found by a later page is still
 * attributed to how it arrived.
 */
export function entrySessions(
  ctx: QueryContext,
  args: EntrySessionArgs,
  columns: readonly EntryColumn[],
): SqlFragment {
  const { dialect } = ctx.engine;
  const first = (column: string) => dialect.argMin(raw(column), [raw('timestamp'), raw('seq')]);
  // Aggregates get their own names one level down: ClickHouse reads `argMin(url, …) AS url` as a
  // cyclic alias.
  const names = ['distinct_id', ...columns];
  const aggregates = join(names.map((column) => sql`${first(column)} AS ${raw(`entry_${column}`)}`));
  const renamed = join(names.map((column) => raw(`entry_${column} AS ${column}`)));
  const matches = hasFilters(args.filters)
    ? sql` HAVING max(CASE WHEN ${filterCondition(args.filters, dialect)} THEN 1 ELSE 0 END) = 1`
    : raw('');
  const scope = eventScope(ctx.projectId, args.time_range, ctx.now).where;
  return sql`SELECT ${renamed} FROM (
      SELECT session_id, ${aggregates} FROM events
      WHERE ${scope} AND session_id <> ''
      GROUP BY session_id${matches}) AS entry`;
}
