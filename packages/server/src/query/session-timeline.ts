import { type SessionTimelineResult, sessionTimelineArgs } from '@sightline/schema';
import { sql } from '../sql/sql.js';
import { toInsightView } from './insights.js';
import { defineQuery } from './registry.js';
import { eventScope, limitClause } from './scope.js';

/**
 * One session's events in order (timestamp, then seq), properties parsed, and the processor's
 * insights about the session in order of `generated_at` (the event time of the detection, on the
 * same clock as the events, so a viewer can place each insight between the events around it).
 */
export const sessionTimelineQuery = defineQuery({
  name: 'session_timeline',
  reads: ['events', 'insights'],
  args: sessionTimelineArgs,
  async run({ engine, projectId, now }, args): Promise<SessionTimelineResult> {
    const scope = eventScope(projectId, args.time_range, now);
    const [rows, insights] = await Promise.all([
      engine.query(
        sql`SELECT uuid, seq, timestamp, event, path, properties FROM events
            WHERE ${scope.where} AND session_id = ${args.session_id}
            ORDER BY timestamp ASC, seq ASC ${limitClause(args.limit)}`,
      ),
      engine.query(
        sql`SELECT id, insight_type, severity, session_id, distinct_id, status, data, generated_at,
                   created_at, status_changed_at, time_range
            FROM insights WHERE project_id = ${projectId} AND session_id = ${args.session_id}
            ORDER BY generated_at ASC, id ASC`,
      ),
    ]);
    return {
      session_id: args.session_id,
      insights: insights.map(toInsightView),
      events: rows.map((r) => ({
        uuid: String(r['uuid']),
        seq: Number(r['seq']),
        timestamp: Number(r['timestamp']),
        event: String(r['event']),
        path: String(r['path']),
        properties: parseProperties(String(r['properties'] ?? '')),
      })),
    };
  },
});

function parseProperties(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
