import { timeRangeSchema } from '@sightline/schema';
import { z } from 'zod';
import { defineQuery } from './registry.js';
import { ERROR_EVENTS, eventScope, inList, limitClause, limitSchema } from './scope.js';
import { join, raw, type SqlFragment, sql } from './sql.js';

export interface SessionSummary {
  session_id: string;
  /** The session's distinct_id (the smallest, when it changed during the session, e.g. after identify). */
  distinct_id: string;
  first_seen: number;
  last_seen: number;
  event_count: number;
  has_error: boolean;
  /** Page views in the session. */
  pages: number;
}

export const sessionsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  has_error: z.boolean().optional(),
  limit: limitSchema(50, 1000),
});
export type SessionsArgs = z.infer<typeof sessionsArgs>;

/**
 * HAVING conditions per filter argument, over the per-session aggregates below. New filters (for
 * example sessions at risk, from the processor's tables) are one more entry here.
 */
const SESSION_FILTERS: ReadonlyArray<(args: SessionsArgs) => SqlFragment | null> = [
  (args) => (args.has_error === undefined ? null : args.has_error ? raw('errors > 0') : raw('errors = 0')),
];

/** Sessions active in the range, most recently active first. */
export const sessionsQuery = defineQuery({
  name: 'sessions',
  args: sessionsArgs,
  async run({ engine, projectId, now }, args): Promise<{ sessions: SessionSummary[] }> {
    const scope = eventScope(projectId, args.time_range, now);
    const conditions = SESSION_FILTERS.map((f) => f(args)).filter((c): c is SqlFragment => c !== null);
    const having = conditions.length > 0 ? sql`HAVING ${join(conditions, ' AND ')}` : raw('');
    const rows = await engine.query(
      sql`SELECT session_id, min(distinct_id) AS distinct_id, min(timestamp) AS first_seen,
            max(timestamp) AS last_seen, count(*) AS event_count,
            sum(CASE WHEN ${inList(raw('event'), ERROR_EVENTS)} THEN 1 ELSE 0 END) AS errors,
            sum(CASE WHEN event = ${'page_view'} THEN 1 ELSE 0 END) AS pages
          FROM events WHERE ${scope.where} AND session_id <> ''
          GROUP BY session_id ${having}
          ORDER BY last_seen DESC, session_id ASC ${limitClause(args.limit)}`,
    );
    return {
      sessions: rows.map((r) => ({
        session_id: String(r['session_id']),
        distinct_id: String(r['distinct_id']),
        first_seen: Number(r['first_seen']),
        last_seen: Number(r['last_seen']),
        event_count: Number(r['event_count']),
        has_error: Number(r['errors']) > 0,
        pages: Number(r['pages']),
      })),
    };
  },
});
