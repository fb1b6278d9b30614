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
import { allFilters, countCubeSql, countsFromCube, insightFilters } from './insight-counts.js';
import { afterPosition, decodeInsightsCursor, encodeInsightsCursor } from './insights-cursor.js';
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

/** `LIMIT n + 1`: a page, and the one row more that says whether another page follows. */
const pageLimit = (limit: number): SqlFragment => raw(`LIMIT ${Math.trunc(limit) + 1}`);

const and = (conditions: readonly SqlFragment[]): SqlFragment =>
  conditions.reduce((a, b) => sql`${a} AND ${b}`);

/**
 * Insights of the processor (the shape of docs/API.md, Insights and interventions) whose event time
 * falls in the range, newest first, a page at a time by cursor; with the range's total and counts
 * per type, factor and status (insight-counts.ts), so the dashboard never counts a page. With the
 * common `filters`, only insights of sessions with an event in the range meeting every filter.
 */
export const insightsQuery = defineQuery({
  name: 'insights',
  // Events too: with filters, an event can bring a session (and its insights) into the answer.
  reads: ['insights'],
  args: insightsArgs,
  async run({ engine, projectId, now }, args): Promise<InsightsResult> {
    const range = resolveTimeRange(args.time_range, now);
    const filters = insightFilters(engine.dialect, projectId, range, args);
    const page = allFilters(filters);
    if (args.cursor) page.push(afterPosition(decodeInsightsCursor(args.cursor)));
    const [rows, cube] = await Promise.all([
      engine.query(
        sql`SELECT id, insight_type, severity, session_id, distinct_id, status, data, generated_at, created_at,
                   status_changed_at, time_range
            FROM insights WHERE ${and(page)}
            ORDER BY generated_at DESC, id DESC ${pageLimit(args.limit)}`,
      ),
      engine.query(countCubeSql(filters)),
    ]);
    const insights = rows.slice(0, args.limit).map(toInsightView);
    const last = insights[insights.length - 1];
    return {
      insights,
      ...countsFromCube(cube, args),
      next_cursor: rows.length > args.limit && last ? encodeInsightsCursor(last) : null,
    };
  },
});
