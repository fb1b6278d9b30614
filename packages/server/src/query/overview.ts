import {
  type KeyFunnel,
  type OverviewResult,
  overviewArgs,
  type ParsedQueryArgs,
  type Totals,
} from '@sightline/schema';
import { raw, sql } from '../sql/sql.js';
import { filterCondition, hasFilters } from './filters.js';
import { loadFunnelTallies, totalTally } from './funnel/index.js';
import { reachedCounts } from './funnel/tally.js';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope } from './scope.js';
import { rawEvents, splitRange } from './session-rollup.js';

export type { Totals };

/**
 * Counts over the range; the empty session/user id (events sent without one) is not a session/user.
 * With filters, only the events meeting every filter count (and the sessions / users they belong
 * to); they read raw events, as the rollup keeps no per-event columns.
 */
export async function loadTotals(ctx: QueryContext, args: OverviewArgs): Promise<Totals> {
  const { engine } = ctx;
  const { countDistinct } = engine.dialect;
  const filtered = hasFilters(args.filters);
  const split = filtered ? null : await splitRange(ctx, args.time_range);
  // Session-hour rows of the rollup carry their event count; raw events count 1 each.
  const rows = split
    ? sql`SELECT events AS n, session_id, distinct_id FROM ${split.rows} WHERE ${split.rollup}
        UNION ALL ${rawEvents(split, raw('1 AS n, session_id, distinct_id'))}`
    : sql`SELECT 1 AS n, session_id, distinct_id FROM events
        WHERE ${eventScope(ctx.projectId, args.time_range, ctx.now).where}
          AND ${filterCondition(args.filters, engine.dialect)}`;
  const [row] = await engine.query(
    sql`SELECT sum(n) AS total,
          ${countDistinct(raw("CASE WHEN session_id <> '' THEN session_id END"))} AS sessions,
          ${countDistinct(raw("CASE WHEN distinct_id <> '' THEN distinct_id END"))} AS users
        FROM (${rows}) AS r`,
  );
  const total = Number(row?.['total'] ?? 0);
  const sessions = Number(row?.['sessions'] ?? 0);
  return {
    total_events: total,
    unique_sessions: sessions,
    unique_users: Number(row?.['users'] ?? 0),
    avg_events_per_session: sessions > 0 ? total / sessions : 0,
  };
}

/**
 * Units (the funnel's own: sessions or users) that reached the key funnel's last step within its
 * window / units that started it; 0 when none started. Filters apply to every step's events.
 */
export async function keyFunnelConversionRate(
  ctx: QueryContext,
  args: OverviewArgs,
  funnel: KeyFunnel,
): Promise<number> {
  const steps = [...funnel.steps];
  const tallies = await loadFunnelTallies(
    ctx,
    {
      time_range: args.time_range,
      steps,
      unit: funnel.unit,
      window_ms: funnel.window_ms,
      filters: args.filters,
    },
    { friction: false, times: false },
  );
  const reached = reachedCounts(totalTally(steps.length, tallies));
  const started = reached[0] ?? 0;
  return started > 0 ? (reached[steps.length - 1] ?? 0) / started : 0;
}

type OverviewArgs = ParsedQueryArgs<'overview'>;

export const overviewQuery = defineQuery({
  name: 'overview',
  reads: ['events', 'settings'],
  args: overviewArgs,
  async run(ctx, args): Promise<OverviewResult> {
    const funnel = ctx.settings.key_funnel;
    const [totals, conversion_rate] = await Promise.all([
      loadTotals(ctx, args),
      funnel ? keyFunnelConversionRate(ctx, args, funnel) : null,
    ]);
    return { ...totals, conversion_rate, key_funnel: funnel };
  },
});
