import { type FrictionResult, frictionArgs, resolveTimeRange } from '@sightline/schema';
import { raw, sql } from '../sql/sql.js';
import { andMaybe, sessionsInRangeMeetingFilters } from './filtered-sessions.js';
import { defineQuery } from './registry.js';

/**
 * Sessions by friction score (the processor's weighted sum of detections), highest first; with the
 * common `filters`, only sessions with an event in the range meeting every filter.
 */
export const frictionQuery = defineQuery({
  name: 'friction',
  // Events too: with filters, an event can bring a session into the answer.
  reads: ['friction'],
  args: frictionArgs,
  async run({ engine, projectId, now }, args): Promise<FrictionResult> {
    const { from, to } = resolveTimeRange(args.time_range, now);
    const session = args.session_id ? sql`AND session_id = ${args.session_id}` : raw('');
    const filtered = sessionsInRangeMeetingFilters(engine.dialect, projectId, { from, to }, args.filters);
    const rows = await engine.query(
      sql`SELECT session_id, distinct_id, friction_score, factors, updated_at FROM session_friction
          WHERE project_id = ${projectId} AND updated_at >= ${from} AND updated_at < ${to} ${session}${andMaybe(filtered)}
          ORDER BY friction_score DESC, session_id LIMIT ${raw(String(args.limit))}`,
    );
    return {
      sessions: rows.map((r) => ({
        session_id: String(r['session_id']),
        distinct_id: String(r['distinct_id']),
        friction_score: Number(r['friction_score']),
        factors: JSON.parse(String(r['factors'])) as Record<string, number>,
        updated_at: Number(r['updated_at']),
      })),
    };
  },
});
