import {
  type InsightGroup,
  type InsightGroupsResult,
  type InsightOutcome,
  type InsightSeverity,
  type InsightStatus,
  insightGroupsArgs,
  type OutcomeInsightType,
  type ParsedQueryArgs,
  resolveTimeRange,
} from '@sightline/schema';
import { frictionFactor } from '../friction/catalogue.js';
import { isOutcomeSql, parseProblemKey, problemKeySql } from '../processor/problem-key.js';
import { inList, raw, type SqlFragment, sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';
import { andMaybe, sessionsInRangeMeetingFilters } from './filtered-sessions.js';
import { defineQuery } from './registry.js';
import { trendBuckets } from './trend-buckets.js';

type GroupArgs = ParsedQueryArgs<'insight_groups'>;

const SEVERITIES: readonly InsightSeverity[] = ['low', 'medium', 'high'];

/** Problem insights of the range under the type, factor and common filters, with their problem key. */
function problemRows(
  projectId: string,
  args: GroupArgs,
  range: { from: number; to: number },
  sessions: SqlFragment | null,
): SqlFragment {
  const conditions = [
    sql`project_id = ${projectId}`,
    sql`generated_at >= ${range.from}`,
    sql`generated_at < ${range.to}`,
    sql`NOT ${isOutcomeSql()}`,
  ];
  if (args.insight_type) conditions.push(sql`insight_type = ${args.insight_type}`);
  if (args.factor) conditions.push(sql`factor = ${args.factor}`);
  if (sessions) conditions.push(sessions);
  return sql`SELECT ${problemKeySql()} AS problem_key, session_id, status, severity, generated_at,
      created_at, status_changed_at
    FROM insights WHERE ${conditions.reduce((a, b) => sql`${a} AND ${b}`)}`;
}

/** open when any insight is, else acknowledged when any is, else resolved. */
function groupStatus(open: number, acknowledged: number): InsightStatus {
  return open > 0 ? 'open' : acknowledged > 0 ? 'acknowledged' : 'resolved';
}

function toGroup(r: QueryRow): Omit<InsightGroup, 'trend'> {
  const problem = String(r['problem_key']);
  const { insight_type, factor, path } = parseProblemKey(problem);
  const open = Number(r['open_count']);
  const status = groupStatus(open, Number(r['acknowledged_count']));
  return {
    problem,
    insight_type,
    factor,
    path,
    recommended_action: factor ? frictionFactor(factor).recommendation : null,
    severity: SEVERITIES[Number(r['severity_rank'])] ?? 'low',
    sessions: Number(r['sessions']),
    insights: Number(r['insights']),
    first_seen: Number(r['first_seen']),
    last_seen: Number(r['last_seen']),
    status,
    open,
    // Acknowledged or resolved once, and an insight of the problem stored after that decision.
    reopened:
      status === 'open' && Number(r['decided_at']) > 0 && Number(r['newest_open']) > Number(r['decided_at']),
  };
}

/**
 * The range's problems: insights grouped by problem key (processor/problem-key.ts), each with its
 * sessions, first / last seen, a trend, and a status a team can set for the whole group
 * (`PUT /v1/insight-groups/status`); outcomes (a journey completed) only as counts.
 */
export const insightGroupsQuery = defineQuery({
  name: 'insight_groups',
  // Events too: with filters, an event can bring a session (and its insights) into the answer.
  reads: ['insights'],
  args: insightGroupsArgs,
  async run({ engine, projectId, now }, args): Promise<InsightGroupsResult> {
    const { from, to } = resolveTimeRange(args.time_range, now);
    const d = engine.dialect;
    // The common filters: insights of sessions with an event in the range meeting every one.
    const sessions = sessionsInRangeMeetingFilters(d, projectId, { from, to }, args.filters);
    const rows = problemRows(projectId, args, { from, to }, sessions);
    const [groupRows, outcomeRows] = await Promise.all([
      engine.query(
        sql`SELECT problem_key, count(*) AS insights, ${d.countDistinct(raw('session_id'))} AS sessions,
              min(generated_at) AS first_seen, max(generated_at) AS last_seen,
              sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_count,
              sum(CASE WHEN status = 'acknowledged' THEN 1 ELSE 0 END) AS acknowledged_count,
              max(CASE WHEN status = 'open' THEN created_at ELSE 0 END) AS newest_open,
              max(CASE WHEN status <> 'open' THEN coalesce(status_changed_at, 0) ELSE 0 END) AS decided_at,
              max(CASE WHEN severity = 'high' THEN 2 WHEN severity = 'medium' THEN 1 ELSE 0 END) AS severity_rank
            FROM (${rows}) AS p GROUP BY problem_key`,
      ),
      engine.query(
        sql`SELECT insight_type, count(*) AS n, ${d.countDistinct(raw('session_id'))} AS sessions FROM insights
            WHERE project_id = ${projectId} AND generated_at >= ${from} AND generated_at < ${to} AND ${isOutcomeSql()}
              ${andMaybe(sessions)}
            GROUP BY insight_type`,
      ),
    ]);
    const matching = groupRows
      .map(toGroup)
      .filter((g) => !args.status || g.status === args.status)
      .sort(
        (a, b) =>
          b.sessions - a.sessions ||
          b.last_seen - a.last_seen ||
          (a.problem < b.problem ? -1 : a.problem > b.problem ? 1 : 0),
      );
    const shown = matching.slice(0, args.limit);
    const trend = trendBuckets(from, to);
    const counts = new Map(shown.map((g) => [g.problem, new Array<number>(trend.buckets).fill(0)]));
    if (shown.length > 0) {
      const perBucket = await engine.query(
        sql`SELECT problem_key, ${d.timeBucket(raw('generated_at'), trend.unit)} AS bucket, count(*) AS n
            FROM (${rows}) AS p WHERE ${inList(raw('problem_key'), [...counts.keys()])}
            GROUP BY problem_key, bucket`,
      );
      for (const r of perBucket) {
        const index = trend.indexOf(Number(r['bucket']));
        const series = counts.get(String(r['problem_key']));
        if (series && index >= 0 && index < series.length)
          series[index] = (series[index] ?? 0) + Number(r['n']);
      }
    }
    return {
      groups: shown.map((g) => ({ ...g, trend: counts.get(g.problem) ?? [] })),
      total_groups: matching.length,
      outcomes: outcomeRows.map(
        (r): InsightOutcome => ({
          insight_type: String(r['insight_type']) as OutcomeInsightType,
          count: Number(r['n']),
          sessions: Number(r['sessions']),
        }),
      ),
      trend: { from: trend.from, bucket_ms: trend.bucket_ms, buckets: trend.buckets },
    };
  },
});
