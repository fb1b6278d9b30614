import {
  FRICTION_FACTOR_IDS,
  INSIGHT_STATUSES,
  type InsightCounts,
  type InsightKind,
  type InsightStatus,
  type ParsedQueryArgs,
} from '@sightline/schema';
import { isOutcomeSql, isOutcomeType, problemKeySql } from '../processor/problem-key.js';
import type { SqlDialect } from '../sql/dialect.js';
import { type SqlFragment, sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';
import { sessionsInRangeMeetingFilters } from './filtered-sessions.js';

type InsightsArgs = ParsedQueryArgs<'insights'>;

/**
 * The insights query's filters, split the way its counts need them: `shared` ones (project, range,
 * session, problem group, the common `filters` as sessions: filtered-sessions.ts) narrow every
 * count; each counted dimension (type, factor, status) has its own, applied to the other
 * dimensions' counts but not to its own.
 */
export interface InsightFilters {
  shared: SqlFragment[];
  type: SqlFragment[];
  factor: SqlFragment[];
  status: SqlFragment[];
}

export function insightFilters(
  dialect: SqlDialect,
  projectId: string,
  range: { from: number; to: number },
  args: InsightsArgs,
): InsightFilters {
  const shared = [
    sql`project_id = ${projectId}`,
    sql`generated_at >= ${range.from}`,
    sql`generated_at < ${range.to}`,
  ];
  if (args.session_id) shared.push(sql`session_id = ${args.session_id}`);
  if (args.problem) shared.push(sql`${problemKeySql()} = ${args.problem}`);
  const sessions = sessionsInRangeMeetingFilters(dialect, projectId, range, args.filters);
  if (sessions) shared.push(sessions);
  const type: SqlFragment[] = [];
  if (args.insight_type) type.push(sql`insight_type = ${args.insight_type}`);
  if (args.kind === 'problems') type.push(sql`NOT ${isOutcomeSql()}`);
  if (args.kind === 'outcomes') type.push(isOutcomeSql());
  return {
    shared,
    type,
    factor: args.factor ? [sql`factor = ${args.factor}`] : [],
    status: args.status ? [sql`status = ${args.status}`] : [],
  };
}

/** Every filter at once: the rows a page lists and `total` counts. */
export const allFilters = (f: InsightFilters): SqlFragment[] => [
  ...f.shared,
  ...f.type,
  ...f.factor,
  ...f.status,
];

/**
 * One row per (type, factor, status) present among the rows the shared filters select, with its
 * count: the few rows from which every count is summed (a handful of types × factors × statuses),
 * so the counts cost one scan whatever the filters.
 */
export function countCubeSql(filters: InsightFilters): SqlFragment {
  const where = filters.shared.reduce((a, b) => sql`${a} AND ${b}`);
  return sql`SELECT insight_type, factor, status, count(*) AS n FROM insights WHERE ${where}
    GROUP BY insight_type, factor, status`;
}

interface CubeCell {
  type: string;
  factor: string;
  status: InsightStatus;
  n: number;
}

const kindAdmits = (kind: InsightKind, type: string): boolean =>
  kind === 'all' || (kind === 'outcomes') === isOutcomeType(type);

/** `total` and the counts (InsightCounts: each dimension without its own filter) from the cube's rows. */
export function countsFromCube(
  rows: readonly QueryRow[],
  args: InsightsArgs,
): { total: number; counts: InsightCounts } {
  const cells: CubeCell[] = rows.map((r) => ({
    type: String(r['insight_type']),
    factor: String(r['factor'] ?? ''),
    status: String(r['status']) as InsightStatus,
    n: Number(r['n']),
  }));
  const typeOk = (c: CubeCell) =>
    (!args.insight_type || c.type === args.insight_type) && kindAdmits(args.kind, c.type);
  const factorOk = (c: CubeCell) => !args.factor || c.factor === args.factor;
  const statusOk = (c: CubeCell) => !args.status || c.status === args.status;

  const counts: InsightCounts = {
    by_type: {},
    by_factor: Object.fromEntries(FRICTION_FACTOR_IDS.map((f) => [f, 0])) as InsightCounts['by_factor'],
    by_status: Object.fromEntries(INSIGHT_STATUSES.map((s) => [s, 0])) as InsightCounts['by_status'],
  };
  let total = 0;
  for (const c of cells) {
    // Every type present gets its chip, 0 when the other filters leave none of it.
    counts.by_type[c.type] = (counts.by_type[c.type] ?? 0) + (factorOk(c) && statusOk(c) ? c.n : 0);
    if (typeOk(c) && statusOk(c) && Object.hasOwn(counts.by_factor, c.factor))
      counts.by_factor[c.factor as keyof InsightCounts['by_factor']] += c.n;
    if (typeOk(c) && factorOk(c) && Object.hasOwn(counts.by_status, c.status))
      counts.by_status[c.status] += c.n;
    if (typeOk(c) && factorOk(c) && statusOk(c)) total += c.n;
  }
  return { total, counts };
}
