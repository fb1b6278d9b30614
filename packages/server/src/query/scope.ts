import { resolveTimeRange, type TimeRange } from '@sightline/schema';
import { raw, type SqlFragment, sql } from '../sql/sql.js';

export interface ResolvedScope {
  from: number;
  to: number;
  /** `project_id = … AND timestamp >= from AND timestamp < to`: every events query starts from it. */
  where: SqlFragment;
}

/** The caller's project and time range as a WHERE condition on the events table. */
export function eventScope(projectId: string, range: TimeRange, now: number): ResolvedScope {
  const { from, to } = resolveTimeRange(range, now);
  return { from, to, where: sql`project_id = ${projectId} AND timestamp >= ${from} AND timestamp < ${to}` };
}

/** A LIMIT clause; the number is validated by zod before it reaches here, so it is code-chosen text. */
export function limitClause(limit: number): SqlFragment {
  return raw(`LIMIT ${Math.trunc(limit)}`);
}
