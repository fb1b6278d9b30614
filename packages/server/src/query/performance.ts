import {
  type PagePerformance,
  type PerformanceMetric,
  type PerformanceResult,
  performanceArgs,
  type Quantiles,
  type TimeRange,
} from '@sightline/schema';
import { inList, join, raw, type SqlFragment, sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope, limitClause } from './scope.js';

/** SDK events (packages/sdk/src/plugins/performance.ts): load timings + vitals at load, final vitals later. */
const PAGE_PERFORMANCE = 'page_performance';
const WEB_VITALS = 'web_vitals';
/** posthog-js: `$web_vitals` with `$web_vitals_<NAME>_value`. */
const POSTHOG_WEB_VITALS = '$web_vitals';

const LOAD_EVENTS = [PAGE_PERFORMANCE];
const VITALS_EVENTS = [PAGE_PERFORMANCE, WEB_VITALS];

/** Each metric: the SDK property, the SDK events carrying it and, for web vitals, posthog-js's name. */
const METRICS = [
  { name: 'page_load_time', sdk: 'page_load_time', events: LOAD_EVENTS },
  { name: 'dom_ready_time', sdk: 'dom_ready_time', events: LOAD_EVENTS },
  { name: 'time_to_interactive', sdk: 'time_to_interactive', events: LOAD_EVENTS },
  { name: 'lcp', sdk: 'lcp', events: VITALS_EVENTS, posthog: '$web_vitals_LCP_value' },
  { name: 'inp', sdk: 'inp', events: VITALS_EVENTS, posthog: '$web_vitals_INP_value' },
  { name: 'cls', sdk: 'cls', events: VITALS_EVENTS, posthog: '$web_vitals_CLS_value' },
  { name: 'fcp', sdk: 'fcp', events: VITALS_EVENTS, posthog: '$web_vitals_FCP_value' },
  { name: 'ttfb', sdk: 'ttfb', events: VITALS_EVENTS, posthog: '$web_vitals_TTFB_value' },
] as const satisfies ReadonlyArray<{
  name: PerformanceMetric;
  sdk: string;
  events: readonly string[];
  posthog?: string;
}>;
const QUANTILES = [
  ['p50', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
] as const satisfies ReadonlyArray<readonly [keyof Quantiles, number]>;

export type { PagePerformance, Quantiles };

export interface PerformanceArgs {
  time_range: TimeRange;
  limit: number;
}

/**
 * Per path, quantiles over page visits. A visit is (session, path); its value of a metric is the
 * largest reported by any of the three events: vitals only grow while the page lives (LCP, CLS,
 * INP) or are fixed (FCP, TTFB), so the largest is the final one and a visit counts once.
 */
export async function pagePerformance(
  { engine, projectId, now }: QueryContext,
  args: PerformanceArgs,
): Promise<PagePerformance[]> {
  const { dialect } = engine;
  const scope = eventScope(projectId, args.time_range, now);
  const props = raw('properties');
  const perVisit = METRICS.map((m) => {
    const posthog: SqlFragment =
      'posthog' in m
        ? sql` WHEN event = ${POSTHOG_WEB_VITALS} THEN ${dialect.jsonNumber(props, m.posthog)}`
        : raw('');
    return sql`max(CASE WHEN ${inList(raw('event'), m.events)} THEN ${dialect.jsonNumber(props, m.sdk)}${posthog} END) AS ${raw(m.name)}`;
  });
  const perPath = METRICS.flatMap((m) =>
    QUANTILES.map(([label, q]) => sql`${dialect.quantile(raw(m.name), q)} AS ${raw(`${m.name}_${label}`)}`),
  );
  const rows = await engine.query(
    sql`SELECT path, count(*) AS samples, ${join(perPath)} FROM (
          SELECT session_id, path, ${join(perVisit)} FROM events
          WHERE ${scope.where} AND ${inList(raw('event'), [PAGE_PERFORMANCE, WEB_VITALS, POSTHOG_WEB_VITALS])}
          GROUP BY session_id, path
        ) AS visits
        GROUP BY path ORDER BY samples DESC, path ASC ${limitClause(args.limit)}`,
  );
  return rows.map(toPagePerformance);
}

const numberOrNull = (v: QueryRow[string] | undefined) => (v === null || v === undefined ? null : Number(v));

function toPagePerformance(r: QueryRow): PagePerformance {
  const page: Record<string, unknown> = { path: String(r['path']), samples: Number(r['samples']) };
  for (const m of METRICS) {
    page[m.name] = Object.fromEntries(
      QUANTILES.map(([label]) => [label, numberOrNull(r[`${m.name}_${label}`])]),
    );
  }
  return page as PagePerformance;
}

export const performanceQuery = defineQuery({
  name: 'performance',
  reads: ['events'],
  args: performanceArgs,
  run: async (ctx, args): Promise<PerformanceResult> => ({
    pages: await pagePerformance(ctx, args),
  }),
});
