import { resolveTimeRange, timeRangeSchema } from '@sightline/schema';
import { z } from 'zod';
import type { QueryRow } from '../storage/engine.js';
import { defineQuery } from './registry.js';
import { raw, type SqlFragment, sql } from './sql.js';

export const INSIGHTS_DEFAULT_LIMIT = 100;
export const INSIGHTS_MAX_LIMIT = 1000;

export interface InsightView {
  id: string;
  insight_type: string;
  severity: string;
  session_id: string;
  distinct_id: string;
  status: string;
  data: Record<string, unknown>;
  generated_at: number;
  created_at: number;
  status_changed_at: number | null;
  time_range: string;
}

export function toInsightView(r: QueryRow): InsightView {
  return {
    id: String(r['id']),
    insight_type: String(r['insight_type']),
    severity: String(r['severity']),
    session_id: String(r['session_id']),
    distinct_id: String(r['distinct_id']),
    status: String(r['status']),
    data: JSON.parse(String(r['data'])) as Record<string, unknown>,
    generated_at: Number(r['generated_at']),
    created_at: Number(r['created_at']),
    status_changed_at: r['status_changed_at'] === null ? null : Number(r['status_changed_at']),
    time_range: String(r['time_range']),
  };
}

/** Insights of the processor (DESIGN §6 shape) whose event time falls in the range, newest first. */
export const insightsQuery = defineQuery({
  name: 'insights',
  reads: ['insights'],
  args: z.object({
    time_range: timeRangeSchema.default('24h'),
    status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
    insight_type: z.string().min(1).max(100).optional(),
    session_id: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(INSIGHTS_MAX_LIMIT).default(INSIGHTS_DEFAULT_LIMIT),
  }),
  async run({ engine, projectId, now }, args): Promise<{ insights: InsightView[] }> {
    const { from, to } = resolveTimeRange(args.time_range, now);
    const filters: SqlFragment[] = [
      sql`project_id = ${projectId}`,
      sql`generated_at >= ${from}`,
      sql`generated_at < ${to}`,
    ];
    if (args.status) filters.push(sql`status = ${args.status}`);
    if (args.insight_type) filters.push(sql`insight_type = ${args.insight_type}`);
    if (args.session_id) filters.push(sql`session_id = ${args.session_id}`);
    const where = filters.reduce((a, b) => sql`${a} AND ${b}`);
    const rows = await engine.query(
      sql`SELECT id, insight_type, severity, session_id, distinct_id, status, data, generated_at, created_at,
                 status_changed_at, time_range
          FROM insights WHERE ${where}
          ORDER BY generated_at DESC, id DESC LIMIT ${raw(String(args.limit))}`,
    );
    return { insights: rows.map(toInsightView) };
  },
});
