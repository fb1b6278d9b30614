import type { QueryFilter } from '@sightline/schema';
import type { SqlDialect } from '../sql/dialect.js';
import { raw, type SqlFragment, sql } from '../sql/sql.js';
import { filterCondition, hasFilters } from './filters.js';

/**
 * How the common `filters` narrow answers that are whole sessions (user flow, the sessions list)
 * or that come from the stream processor (insights, insight groups, journeys, friction,
 * interventions): to the sessions with at least one event in the range meeting every filter, the
 * rule the web queries use for a counted session (docs/SEMANTICS.md). One semi-join on
 * session_id against `events`, so the dashboard's one filter bar narrows every view alike.
 * (On a sharded ClickHouse the sub-query runs once on the initiator: distributed_product_mode.)
 */

/**
 * `<column> IN (sessions of the events selected by eventsWhere that meet every filter)`, or null
 * without filters: unfiltered queries keep their SQL unchanged.
 */
export function sessionsMeetingFilters(
  dialect: SqlDialect,
  eventsWhere: SqlFragment,
  filters: readonly QueryFilter[] | undefined,
  column: SqlFragment = raw('session_id'),
): SqlFragment | null {
  const sessions = sessionsMeetingFiltersSql(dialect, eventsWhere, filters);
  return sessions ? sql`${column} IN (${sessions})` : null;
}

/** The sub-query of sessionsMeetingFilters (session_id of each matching event), or null without filters. */
export function sessionsMeetingFiltersSql(
  dialect: SqlDialect,
  eventsWhere: SqlFragment,
  filters: readonly QueryFilter[] | undefined,
): SqlFragment | null {
  if (!hasFilters(filters)) return null;
  return sql`SELECT session_id FROM events
    WHERE ${eventsWhere} AND session_id <> '' AND ${filterCondition(filters, dialect)}`;
}

/** The same for a project and a resolved range (queries over the processor's tables). */
export function sessionsInRangeMeetingFilters(
  dialect: SqlDialect,
  projectId: string,
  range: { from: number; to: number },
  filters: readonly QueryFilter[] | undefined,
  column: SqlFragment = raw('session_id'),
): SqlFragment | null {
  const inRange = sql`project_id = ${projectId} AND timestamp >= ${range.from} AND timestamp < ${range.to}`;
  return sessionsMeetingFilters(dialect, inRange, filters, column);
}

/** ` AND <condition>` for a condition that may be absent. */
export const andMaybe = (condition: SqlFragment | null): SqlFragment =>
  condition ? sql` AND ${condition}` : raw('');
