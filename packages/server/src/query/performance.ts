import {
  type DevicePerformance,
  type PagePerformance,
  PERFORMANCE_METRICS,
  type PerformanceResult,
  performanceArgs,
  type Quantiles,
} from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../sql/sql.js';
import type { QueryRow, StorageEngine } from '../storage/engine.js';
import { type PageViewsArgs, performancePageViews } from './performance-views.js';
import { defineQuery, type QueryContext } from './registry.js';
import { limitClause } from './scope.js';
import { toVitalsSummary, vitalAggregates, vitalColumns } from './vital-summary.js';

const QUANTILES = [
  ['p50', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
] as const satisfies ReadonlyArray<readonly [keyof Quantiles, number]>;

export type { PagePerformance, Quantiles };

export interface PerformanceArgs extends PageViewsArgs {
  limit: number;
}

/**
 * Per path (the `limit` most sampled), quantiles of every metric over its page views and the web
 * vitals' p75 and rating shares (docs/SEMANTICS.md, Web vitals).
 */
export async function pagePerformance(ctx: QueryContext, args: PerformanceArgs): Promise<PagePerformance[]> {
  return pagesOf(ctx.engine, await performancePageViews(ctx, args), args.limit);
}

async function pagesOf(
  engine: StorageEngine,
  pageViews: SqlFragment,
  limit: number,
): Promise<PagePerformance[]> {
  const { dialect } = engine;
  // Each metric's quantiles in one aggregate (one sort), then one column per quantile.
  const lists = PERFORMANCE_METRICS.map(
    (metric) =>
      sql`${dialect.quantiles(
        raw(metric),
        QUANTILES.map(([, q]) => q),
      )} AS ${raw(`${metric}_q`)}`,
  );
  const quantiles = PERFORMANCE_METRICS.flatMap((metric) =>
    QUANTILES.map(
      ([label], i) =>
        sql`${dialect.listElement(raw(`${metric}_q`), raw(String(i + 1)))} AS ${raw(`${metric}_${label}`)}`,
    ),
  );
  // The p75 columns are the vitals' p75 too (same names), so vitalAggregates leaves them out.
  const vitals = vitalAggregates(dialect, { p75: false });
  const rows = await engine.query(
    sql`SELECT path, samples, ${join(quantiles)}, ${raw(vitalColumns({ p75: false }).join(', '))}
        FROM (SELECT path, count(*) AS samples, ${join([...lists, ...vitals])}
              FROM (${pageViews}) AS views GROUP BY path) AS g
        ORDER BY samples DESC, path ASC ${limitClause(limit)}`,
  );
  return rows.map(toPagePerformance);
}

const numberOrNull = (v: QueryRow[string] | undefined) => (v === null || v === undefined ? null : Number(v));

function toPagePerformance(r: QueryRow): PagePerformance {
  const page: Record<string, unknown> = {
    path: String(r['path']),
    samples: Number(r['samples']),
    vitals: toVitalsSummary(r),
  };
  for (const metric of PERFORMANCE_METRICS) {
    page[metric] = Object.fromEntries(
      QUANTILES.map(([label]) => [label, numberOrNull(r[`${metric}_${label}`])]),
    );
  }
  return page as PagePerformance;
}

/**
 * The web vitals per device class and over every page view, in one pass: each page view is read
 * twice (index 0 grouped by its device, index 1 into the single overall group).
 */
async function devicesAndOverall(
  engine: StorageEngine,
  pageViews: SqlFragment,
): Promise<Pick<PerformanceResult, 'devices' | 'overall'>> {
  const { dialect } = engine;
  const rows = await engine.query(
    sql`SELECT grouping_index, grouping_key, count(*) AS samples, ${join(vitalAggregates(dialect))}
        FROM (SELECT grouping_index, CASE WHEN grouping_index = 0 THEN device ELSE '' END AS grouping_key,
                ${raw(PERFORMANCE_METRICS.join(', '))}
              FROM (SELECT *, ${dialect.rowPerIndex(2)} AS grouping_index
                    FROM (${pageViews}) AS views) AS doubled) AS g
        GROUP BY grouping_index, grouping_key`,
  );
  const devices: DevicePerformance[] = rows
    .filter((r) => Number(r['grouping_index']) === 0)
    .map((r) => ({
      device: String(r['grouping_key']),
      samples: Number(r['samples']),
      vitals: toVitalsSummary(r),
    }))
    .sort((a, b) => b.samples - a.samples || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  const all = rows.find((r) => Number(r['grouping_index']) === 1);
  return {
    devices,
    overall: { samples: all ? Number(all['samples']) : 0, vitals: toVitalsSummary(all ?? {}) },
  };
}

export const performanceQuery = defineQuery({
  name: 'performance',
  reads: ['events'],
  args: performanceArgs,
  async run(ctx, args): Promise<PerformanceResult> {
    // One relation (one read of the rollup's cover) for both statements.
    const pageViews = await performancePageViews(ctx, args);
    const [pages, groups] = await Promise.all([
      pagesOf(ctx.engine, pageViews, args.limit),
      devicesAndOverall(ctx.engine, pageViews),
    ]);
    return { pages, ...groups };
  },
});
