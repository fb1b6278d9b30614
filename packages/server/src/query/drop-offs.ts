import { type TimeRange, timeRangeSchema } from '@sightline/schema';
import { z } from 'zod';
import {
  dominantFriction,
  emptyFriction,
  type FrictionCounts,
  type FrictionKind,
} from './friction-signals.js';
import { DEFAULT_FUNNEL_WINDOW_MS, funnelStepsSchema, loadFunnelTallies, totalTally } from './funnel.js';
import type { FunnelStepResult } from './funnel-core.js';
import { type FunnelTally, summarizeTally } from './funnel-tally.js';
import { defineQuery, type QueryContext } from './registry.js';

export const DEFAULT_DROP_OFF_THRESHOLD = 0.3;

/** What to do about the friction that dominated among the sessions that dropped at a step. */
export const DROP_OFF_RECOMMENDATIONS: Readonly<Record<FrictionKind | 'none', string>> = {
  errors: 'Errors hit many sessions that dropped here: fix the errors raised before this step.',
  rage_clicks:
    'Users rage-clicked before dropping here: make the control for this step respond visibly and at once.',
  dead_clicks:
    'Users clicked elements that did nothing before dropping here: make the next action obvious and clickable.',
  slow_loads:
    'Pages loaded slowly (over 4 s) for sessions that dropped here: speed up the page that leads to this step.',
  stalled_uploads:
    'Uploads started but never progressed in sessions that dropped here: check upload reliability and show progress.',
  none: 'No errors or click friction seen before this drop: review the copy and the value shown at this step.',
};

export interface DropOffPoint {
  step: string;
  /** Percent, as the original spec's dashboard prints it. */
  drop_rate: number;
  /** Fraction 0..1 (= funnel drop_off). */
  drop_off: number;
  dropped_sessions: number;
  friction: FrictionCounts;
  dominant_friction: FrictionKind | null;
  recommendation: string;
}

export interface DropOffArgs {
  time_range: TimeRange;
  steps: string[];
  threshold: number;
}

/** Steps whose drop exceeds the threshold or is the largest, with the friction in the sessions that dropped there. */
export function findDropOffs(
  steps: readonly FunnelStepResult[],
  tally: FunnelTally,
  threshold: number,
): DropOffPoint[] {
  const largest = Math.max(0, ...steps.slice(1).map((s) => s.drop_off));
  const points: DropOffPoint[] = [];
  steps.forEach((s, k) => {
    if (k === 0 || s.drop_off <= 0 || (s.drop_off <= threshold && s.drop_off < largest)) return;
    const totals = { ...(tally.frictionByFurthest[k - 1] ?? emptyFriction()) };
    const dominant = dominantFriction(totals);
    points.push({
      step: s.step,
      drop_rate: s.drop_off * 100,
      drop_off: s.drop_off,
      dropped_sessions: tally.byFurthest[k - 1] ?? 0,
      friction: totals,
      dominant_friction: dominant,
      recommendation: DROP_OFF_RECOMMENDATIONS[dominant ?? 'none'],
    });
  });
  return points;
}

/** The session funnel of `steps` and its drop-off points. */
export async function dropOffPoints(ctx: QueryContext, args: DropOffArgs): Promise<DropOffPoint[]> {
  const spec = { time_range: args.time_range, steps: args.steps, unit: 'session' as const };
  const tallies = await loadFunnelTallies(
    ctx,
    { ...spec, window_ms: DEFAULT_FUNNEL_WINDOW_MS },
    { friction: true },
  );
  const tally = totalTally(args.steps.length, tallies);
  return findDropOffs(summarizeTally(args.steps, tally), tally, args.threshold);
}

export const dropOffArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  steps: funnelStepsSchema,
  threshold: z.number().min(0).max(1).default(DEFAULT_DROP_OFF_THRESHOLD),
});

export const dropOffsQuery = defineQuery({
  name: 'drop_offs',
  args: dropOffArgs,
  run: async (ctx, args): Promise<{ drop_off_points: DropOffPoint[] }> => ({
    drop_off_points: await dropOffPoints(ctx, args),
  }),
});
