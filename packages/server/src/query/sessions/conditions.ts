import type { ParsedQueryArgs, SessionSort } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { StorageEngine } from '../../storage/engine.js';
import { sessionsMeetingFilters } from '../filtered-sessions.js';
import { FRICTION_KINDS, sessionFactorFlags } from '../friction-signals.js';
import type { SessionColumnName } from './session-rows.js';
import { type SnapshotSource, snapshotEvents } from './snapshot.js';

type SessionsArgs = ParsedQueryArgs<'sessions'>;

/** The processor's insight type that marks a session at risk. */
const AT_RISK = 'user_at_risk';

/** Sessions of the project with a `user_at_risk` insight (the processor's `insights` table). */
export const atRiskSessions = (projectId: string) =>
  sql`SELECT session_id FROM insights WHERE project_id = ${projectId} AND insight_type = ${AT_RISK}`;

/**
 * Sessions with an event of the snapshot on the page and from the browser and device asked for
 * (each may be another event): one pass over the range's events, null without such a filter.
 */
function eventFilter(args: SessionsArgs, projectId: string, source: SnapshotSource): SqlFragment | null {
  const tests: SqlFragment[] = [];
  if (args.page !== undefined) tests.push(sql`path = ${args.page}`);
  if (args.browser !== undefined) tests.push(sql`lower(browser) = lower(${args.browser})`);
  if (args.device !== undefined) tests.push(sql`lower(device) = lower(${args.device})`);
  if (tests.length === 0) return null;
  const each = tests.map((test) => sql`sum(CASE WHEN ${test} THEN 1 ELSE 0 END) > 0`);
  return sql`session_id IN (SELECT session_id FROM events
    WHERE ${snapshotEvents(source, projectId)} AND (${join(tests, ' OR ')})
    GROUP BY session_id HAVING ${join(each, ' AND ')})`;
}

/** The per-session columns the filters read (sessionFilters' conditions name them). */
export function filterColumns(args: SessionsArgs): SessionColumnName[] {
  const columns: SessionColumnName[] = [];
  if (args.search !== undefined) columns.push('matched');
  if (args.has_error !== undefined) columns.push('errors');
  return columns;
}

/** The columns a page is ranked on: the filters' and the sort value (friction scores are joined). */
export function rankColumns(args: SessionsArgs): SessionColumnName[] {
  const columns = filterColumns(args);
  return args.sort === 'friction_score' || columns.includes(args.sort) ? columns : [...columns, args.sort];
}

/**
 * Conditions on sessionRows' columns for every filter given. Applied one level above the grouping:
 * on a sharded engine (ClickHouse Distributed) the grouping runs on each shard, while sub-queries
 * over the processor's tables must run where those live.
 */
export function sessionFilters(
  engine: StorageEngine,
  args: SessionsArgs,
  projectId: string,
  source: SnapshotSource,
): SqlFragment[] {
  const conditions: Array<SqlFragment | null> = [
    args.search === undefined ? null : raw('matched = 1'),
    args.has_error === undefined ? null : raw(args.has_error ? 'errors > 0' : 'errors = 0'),
    args.at_risk === undefined
      ? null
      : sql`session_id ${raw(args.at_risk ? 'IN' : 'NOT IN')} (${atRiskSessions(projectId)})`,
    args.journey_status === undefined
      ? null
      : sql`session_id IN (SELECT session_id FROM journeys
          WHERE project_id = ${projectId} AND status = ${args.journey_status})`,
    args.factor === undefined ? null : factorFilter(engine, projectId, args.factor),
    eventFilter(args, projectId, source),
    // The common filters: an event of the snapshot meeting every one (filtered-sessions.ts).
    sessionsMeetingFilters(engine.dialect, snapshotEvents(source, projectId), args.filters),
  ];
  return conditions.filter((c): c is SqlFragment => c !== null);
}

/** Sessions in which the processor detected the factor (friction-signals.ts reads session_friction). */
function factorFilter(engine: StorageEngine, projectId: string, factor: string): SqlFragment {
  // The factor names a column of sessionFactorFlags: only a catalogue id may become SQL text.
  const column = FRICTION_KINDS.find((kind) => kind === factor);
  if (!column) throw new Error(`unknown friction factor ${factor}`);
  return sql`session_id IN (SELECT unit FROM (${sessionFactorFlags(engine.dialect, projectId)}) AS flags
    WHERE ${raw(column)} = 1)`;
}

/** The column each sort orders by (latest / largest first, then session id). */
export const SORT_COLUMN: Readonly<Record<SessionSort, string>> = {
  last_seen: 'last_seen',
  first_seen: 'first_seen',
  event_count: 'event_count',
  friction_score: 'friction_score',
};

/** Rows after the cursor's: a smaller sort value, or the same value and a larger session id. */
export function afterCursor(sort: SessionSort, last: { key: number; id: string }): SqlFragment {
  const column = raw(SORT_COLUMN[sort]);
  return sql`(${column} < ${last.key} OR (${column} = ${last.key} AND session_id > ${last.id}))`;
}

export function orderBy(sort: SessionSort): SqlFragment {
  return raw(`ORDER BY ${SORT_COLUMN[sort]} DESC, session_id ASC`);
}

/** The project's friction score per session (the processor's session_friction), as (fsid, score). */
export const frictionScores = (projectId: string) =>
  sql`SELECT session_id AS fsid, max(friction_score) AS score FROM session_friction
      WHERE project_id = ${projectId} GROUP BY session_id`;
