import {
  type ParsedQueryArgs,
  type RetentionCohort,
  type RetentionResult,
  retentionArgs,
} from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { filterCondition, hasFilters } from '../filters.js';
import { defineQuery, type QueryContext } from '../registry.js';
import { rawEvents, splitRange } from '../session-rollup.js';
import { type RetentionWindow, retentionWindow } from './retention-periods.js';

type RetentionArgs = ParsedQueryArgs<'retention'>;

/**
 * Rows (distinct_id, idx, ret) covering every event of the window with a non-empty distinct_id:
 * idx is the event's period (0 = the window's first), ret 1 when the event counts as returning.
 * Without filters, the hours the session rollup covers come from it (one row per session-hour).
 */
async function activityRows(
  ctx: QueryContext,
  args: RetentionArgs,
  window: RetentionWindow,
): Promise<SqlFragment> {
  const { from, to, size } = window;
  const period = (column: string) => sql`floor((${raw(column)} - ${from}) / ${size})`;
  const name = args.returning_event;
  const eventRet = name === undefined ? raw('1') : sql`CASE WHEN event = ${name} THEN 1 ELSE 0 END`;
  const eventColumns = sql`distinct_id, ${period('timestamp')} AS idx, ${eventRet} AS ret`;
  const named = raw("distinct_id <> ''");
  const split = hasFilters(args.filters) ? null : await splitRange(ctx, { from, to }, name ? [name] : []);
  if (!split) {
    const where = sql`project_id = ${ctx.projectId} AND timestamp >= ${from} AND timestamp < ${to}`;
    return sql`SELECT ${eventColumns} FROM events
      WHERE ${where} AND ${named} AND ${filterCondition(args.filters, ctx.engine.dialect)}`;
  }
  // The rollup's hours lie inside one period each (periods are whole days from 00:00 UTC).
  const rollupRet =
    name === undefined
      ? raw('1')
      : sql`CASE WHEN ${split.store.perName('count', split.nameIds.get(name))} > 0 THEN 1 ELSE 0 END`;
  return sql`SELECT distinct_id, ${period('hour')} AS idx, ${rollupRet} AS ret
      FROM ${split.rows} WHERE ${split.rollup} AND ${named}
    UNION ALL ${rawEvents(split, eventColumns, named)}`;
}

/**
 * Per cohort (the period of each id's first event in the window): its size and, per later
 * period j, how many of its ids returned then (`p<j>`). One pass: ids' periods, then ids, then cohorts.
 */
async function loadCohortRows(ctx: QueryContext, args: RetentionArgs, window: RetentionWindow) {
  const later = Array.from({ length: args.periods - 1 }, (_, i) => i + 1);
  const returnedIn = later.map((j) => raw(`max(CASE WHEN idx = ${j} AND r = 1 THEN 1 ELSE 0 END) AS p${j}`));
  const sums = later.map((j) => raw(`sum(p${j}) AS p${j}`));
  const perId = sql`SELECT min(idx) AS cohort_idx${later.length > 0 ? sql`, ${join(returnedIn)}` : raw('')}
    FROM (SELECT distinct_id, idx, max(ret) AS r FROM (${await activityRows(ctx, args, window)}) AS a
          GROUP BY distinct_id, idx) AS p
    GROUP BY distinct_id`;
  return ctx.engine.query(
    sql`SELECT cohort_idx AS cohort, count(*) AS size${sums.length > 0 ? sql`, ${join(sums)}` : raw('')}
      FROM (${perId}) AS i GROUP BY cohort_idx`,
  );
}

export const retentionQuery = defineQuery({
  name: 'retention',
  reads: ['events'],
  args: retentionArgs,
  async run(ctx, args): Promise<RetentionResult> {
    const window = retentionWindow(ctx.now, args.period, args.periods);
    const byCohort = new Map(
      (await loadCohortRows(ctx, args, window)).map((row) => [Number(row['cohort']), row]),
    );
    const cohorts: RetentionCohort[] = [];
    for (let i = 0; i < args.periods; i++) {
      const row = byCohort.get(i);
      const size = Number(row?.['size'] ?? 0);
      const returning = [size];
      for (let j = i + 1; j < args.periods; j++) returning.push(Number(row?.[`p${j}`] ?? 0));
      cohorts.push({
        start: window.from + i * window.size,
        size,
        returning,
        rates: returning.map((n) => (size > 0 ? n / size : 0)),
      });
    }
    return { period: args.period, from: window.from, cohorts, average: averageRates(cohorts) };
  },
});

/** average[k]: returning[k] over size, summed over the cohorts that have a period k. */
export function averageRates(cohorts: readonly RetentionCohort[]): number[] {
  const longest = Math.max(0, ...cohorts.map((c) => c.returning.length));
  return Array.from({ length: longest }, (_, k) => {
    let returned = 0;
    let size = 0;
    for (const cohort of cohorts) {
      const n = cohort.returning[k];
      if (n === undefined) continue;
      returned += n;
      size += cohort.size;
    }
    return size > 0 ? returned / size : 0;
  });
}
