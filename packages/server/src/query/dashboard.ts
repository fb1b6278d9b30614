import {
  type DashboardFunnelStep,
  type DashboardResult,
  dashboardArgs,
  type KeyFunnel,
  type ParsedQueryArgs,
} from '@sightline/schema';
import { inList, raw, sql } from '../sql/sql.js';
import { DEFAULT_DROP_OFF_THRESHOLD, dropOffPoints, findDropOffs } from './drop-offs.js';
import { filterCondition } from './filters.js';
import { loadFunnelTallies, totalTally } from './funnel/index.js';
import { summarizeTally } from './funnel/tally.js';
import { loadTotals } from './overview.js';
import { pagePerformance } from './performance.js';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope } from './scope.js';
import { topEvents } from './top-events.js';
import { userFlow } from './user-flow.js';

export type { DashboardFunnelStep, DashboardResult };

const TOP_EVENTS_LIMIT = 10;
const FLOW_LIMIT = 10;
const PERFORMANCE_PAGES = 10;

async function stepEventCounts(
  { engine, projectId, now }: QueryContext,
  args: DashboardArgs,
  steps: string[],
) {
  const scope = eventScope(projectId, args.time_range, now);
  const rows = await engine.query(
    sql`SELECT event, count(*) AS events,
          ${engine.dialect.countDistinct(raw("CASE WHEN session_id <> '' THEN session_id END"))} AS sessions
        FROM events WHERE ${scope.where} AND ${inList(raw('event'), steps)}
          AND ${filterCondition(args.filters, engine.dialect)}
        GROUP BY event`,
  );
  return new Map(
    rows.map((r) => [String(r['event']), { events: Number(r['events']), sessions: Number(r['sessions']) }]),
  );
}

type DashboardArgs = ParsedQueryArgs<'dashboard'>;

type KeyFunnelPart = Pick<DashboardResult, 'conversion_rate' | 'conversion_funnel' | 'drop_off_points'>;

const NO_KEY_FUNNEL_PART: KeyFunnelPart = {
  conversion_rate: null,
  conversion_funnel: [],
  drop_off_points: [],
};

/**
 * The key funnel's steps (with the `dashboard` query's per-step event counts), conversion and drop-off
 * points. Friction is known per session, so a per-user key funnel takes its drop-off points from
 * the session funnel of the same steps, as the drop_offs query does.
 */
async function keyFunnelPart(
  ctx: QueryContext,
  args: DashboardArgs,
  keyFunnel: KeyFunnel,
): Promise<KeyFunnelPart> {
  const steps = [...keyFunnel.steps];
  const bySession = keyFunnel.unit === 'session';
  const [tallies, stepCounts, sessionDropOffs] = await Promise.all([
    loadFunnelTallies(
      ctx,
      {
        time_range: args.time_range,
        steps,
        unit: keyFunnel.unit,
        window_ms: keyFunnel.window_ms,
        filters: args.filters,
      },
      { friction: bySession },
    ),
    stepEventCounts(ctx, args, steps),
    bySession
      ? null
      : dropOffPoints(ctx, {
          time_range: args.time_range,
          steps,
          threshold: DEFAULT_DROP_OFF_THRESHOLD,
          filters: args.filters,
        }),
  ]);
  const tally = totalTally(steps.length, tallies);
  const funnel = summarizeTally(steps, tally);
  const first = funnel[0]?.count ?? 0;
  return {
    conversion_rate: first > 0 ? (funnel[funnel.length - 1]?.count ?? 0) / first : 0,
    conversion_funnel: funnel.map((s) => ({
      ...s,
      count: stepCounts.get(s.step)?.events ?? 0,
      unique_users: stepCounts.get(s.step)?.sessions ?? 0,
      sessions: s.count,
    })),
    drop_off_points: sessionDropOffs ?? findDropOffs(funnel, tally, DEFAULT_DROP_OFF_THRESHOLD),
  };
}

/**
 * The `dashboard` query's shape over one time range (docs/API.md); its `filters` reach every part,
 * each with the meaning the part's own query gives them.
 */
export const dashboardQuery = defineQuery({
  name: 'dashboard',
  reads: ['events', 'friction', 'settings'],
  args: dashboardArgs,
  async run(ctx, args): Promise<DashboardResult> {
    const { from, to } = eventScope(ctx.projectId, args.time_range, ctx.now);
    const keyFunnel = ctx.settings.key_funnel;
    const { time_range, filters } = args;
    const [totals, top, funnelPart, flow, performance] = await Promise.all([
      loadTotals(ctx, args),
      topEvents(ctx, { time_range, filters, limit: TOP_EVENTS_LIMIT }),
      keyFunnel ? keyFunnelPart(ctx, args, keyFunnel) : NO_KEY_FUNNEL_PART,
      userFlow(ctx, { time_range, filters, mode: 'events', limit: FLOW_LIMIT, path_length: 3 }),
      pagePerformance(ctx, { time_range, filters, limit: PERFORMANCE_PAGES }),
    ]);
    return {
      time_range: { from, to },
      ...totals,
      conversion_rate: funnelPart.conversion_rate,
      key_funnel: keyFunnel,
      top_events: top,
      conversion_funnel: funnelPart.conversion_funnel,
      user_flow: flow,
      performance_metrics: performance,
      drop_off_points: funnelPart.drop_off_points,
    };
  },
});
