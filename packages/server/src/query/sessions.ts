import { type ParsedQueryArgs, type SessionsResult, sessionsArgs } from '@sightline/schema';
import { ERROR_EVENTS } from '../friction/error-encountered.js';
import { inList, join, raw, type SqlFragment, sql } from '../sql/sql.js';
import { defineQuery } from './registry.js';
import { eventScope, limitClause } from './scope.js';

export type SessionsArgs = ParsedQueryArgs<'sessions'>;

const AT_RISK = 'user_at_risk';
// has_error counts the catalogue's error events (friction/error-encountered.ts): exactly the events
// the processor reports as error_encountered.

/** Sessions of the project with a `user_at_risk` insight (the processor's `insights` table). */
const atRiskSessions = (projectId: string) =>
  sql`SELECT session_id FROM insights WHERE project_id = ${projectId} AND insight_type = ${AT_RISK}`;

/** Conditions per filter argument, over the per-session aggregates below. */
const SESSION_FILTERS: ReadonlyArray<(args: SessionsArgs, projectId: string) => SqlFragment | null> = [
  (args) => (args.has_error === undefined ? null : args.has_error ? raw('errors > 0') : raw('errors = 0')),
  (args, projectId) =>
    args.at_risk === undefined
      ? null
      : sql`session_id ${raw(args.at_risk ? 'IN' : 'NOT IN')} (${atRiskSessions(projectId)})`,
  (args, projectId) =>
    args.journey_status === undefined
      ? null
      : sql`session_id IN (SELECT session_id FROM journeys
            WHERE project_id = ${projectId} AND status = ${args.journey_status})`,
];

/** Sessions active in the range, most recently active first. */
export const sessionsQuery = defineQuery({
  name: 'sessions',
  reads: ['events', 'insights', 'journeys', 'friction'],
  args: sessionsArgs,
  async run({ engine, projectId, now }, args): Promise<SessionsResult> {
    const scope = eventScope(projectId, args.time_range, now);
    const conditions = SESSION_FILTERS.map((f) => f(args, projectId)).filter(
      (c): c is SqlFragment => c !== null,
    );
    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : raw('');
    // Filtered one level up: on a sharded engine (ClickHouse Distributed) the inner query runs on
    // each shard, while the sub-queries over the processor's tables must run where those live.
    const rows = await engine.query(
      sql`SELECT * FROM (SELECT session_id, min(distinct_id) AS distinct_id, min(timestamp) AS first_seen,
            max(timestamp) AS last_seen, count(*) AS event_count,
            sum(CASE WHEN ${inList(raw('event'), ERROR_EVENTS)} THEN 1 ELSE 0 END) AS errors,
            sum(CASE WHEN event = ${'page_view'} THEN 1 ELSE 0 END) AS pages
          FROM events WHERE ${scope.where} AND session_id <> ''
          GROUP BY session_id) AS per_session ${where}
          ORDER BY last_seen DESC, session_id ASC ${limitClause(args.limit)}`,
    );
    const ids = rows.map((r) => String(r['session_id']));
    const [risky, friction] = await Promise.all([
      engine.query(sql`SELECT DISTINCT session_id FROM (${atRiskSessions(projectId)}) r
                       WHERE ${inList(raw('session_id'), ids)}`),
      engine.query(sql`SELECT session_id, max(friction_score) AS score FROM session_friction
                       WHERE project_id = ${projectId} AND ${inList(raw('session_id'), ids)}
                       GROUP BY session_id`),
    ]);
    const atRisk = new Set(risky.map((r) => String(r['session_id'])));
    const scores = new Map(friction.map((r) => [String(r['session_id']), Number(r['score'])]));
    return {
      sessions: rows.map((r) => ({
        session_id: String(r['session_id']),
        distinct_id: String(r['distinct_id']),
        first_seen: Number(r['first_seen']),
        last_seen: Number(r['last_seen']),
        event_count: Number(r['event_count']),
        has_error: Number(r['errors']) > 0,
        pages: Number(r['pages']),
        at_risk: atRisk.has(String(r['session_id'])),
        friction_score: scores.get(String(r['session_id'])) ?? 0,
      })),
    };
  },
});
