import {
  type InsightSeverity,
  type InsightStatus,
  type InsightsResult,
  type InsightView,
  type InsightViewData,
  insightsArgs,
  resolveTimeRange,
} from '@sightline/schema';
import { raw, type SqlFragment, sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';
import { defineQuery } from './registry.js';

export type { InsightView };

export function toInsightView(r: QueryRow): InsightView {
  return {
    id: String(r['id']),
    insight_type: String(r['insight_type']),
    severity: String(r['severity']) as InsightSeverity,
    session_id: String(r['session_id']),
    distinct_id: String(r['distinct_id']),
    status: String(r['status']) as InsightStatus,
    data: JSON.parse(String(r['data'])) as InsightViewData,
    generated_at: Number(r['generated_at']),
    created_at: Number(r['created_at']),
    status_changed_at: r['status_changed_at'] === null ? null : Number(r['status_changed_at']),
    time_range: String(r['time_range']),
  };
}

/** Insights of the processor (the shape of docs/API.md, Insights and interventions) whose event time falls in the range, newest first. */
export const insightsQuery = defineQuery({
  name: 'insights',
  reads: ['insights'],
  args: insightsArgs,
  async run({ engine, projectId, now }, args): Promise<InsightsResult> {
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
