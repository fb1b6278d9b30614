import { resolveTimeRange, timeRangeSchema } from '@sightline/schema';
import { z } from 'zod';
import { defineQuery } from './registry.js';
import { raw, sql } from './sql.js';

export interface DashboardResult {
  time_range: { from: number; to: number };
  total_events: number;
  unique_sessions: number;
  avg_events_per_session: number;
  top_events: Array<{ name: string; count: number }>;
}

const TOP_EVENTS_LIMIT = 10;

/** The overview numbers of the original spec's dashboard over one time range. */
export const dashboardQuery = defineQuery({
  name: 'dashboard',
  args: z.object({ time_range: timeRangeSchema.default('24h') }),
  async run({ engine, projectId, now }, args): Promise<DashboardResult> {
    const { from, to } = resolveTimeRange(args.time_range, now);
    const scope = sql`project_id = ${projectId} AND timestamp >= ${from} AND timestamp < ${to}`;
    const nonEmptySession = sql`CASE WHEN session_id <> '' THEN session_id END`;
    const [totals, top] = await Promise.all([
      engine.query(
        sql`SELECT count(*) AS total, ${engine.dialect.countDistinct(nonEmptySession)} AS sessions
            FROM events WHERE ${scope}`,
      ),
      engine.query(
        sql`SELECT event AS name, count(*) AS count FROM events WHERE ${scope}
            GROUP BY event ORDER BY count DESC, name ASC LIMIT ${raw(String(TOP_EVENTS_LIMIT))}`,
      ),
    ]);
    const total = Number(totals[0]?.['total'] ?? 0);
    const sessions = Number(totals[0]?.['sessions'] ?? 0);
    return {
      time_range: { from, to },
      total_events: total,
      unique_sessions: sessions,
      avg_events_per_session: sessions > 0 ? total / sessions : 0,
      top_events: top.map((r) => ({ name: String(r['name']), count: Number(r['count']) })),
    };
  },
});
