import {
  DEFAULT_DROP_OFF_THRESHOLD,
  type DropOffPoint,
  type DropOffsResult,
  dropOffsArgs,
  type FunnelStep,
  type QueryFilter,
  type TimeRange,
} from '@sightline/schema';
import { frictionFactor } from '../friction/catalogue.js';
import { dominantFriction, emptyFriction, type FrictionKind } from './friction-signals.js';
import type { FunnelStepResult } from './funnel/core.js';
import { DEFAULT_FUNNEL_WINDOW_MS, loadFunnelTallies, totalTally } from './funnel/index.js';
import { type FunnelTally, summarizeTally } from './funnel/tally.js';
import { defineQuery, type QueryContext } from './registry.js';

export type { DropOffPoint };
export { DEFAULT_DROP_OFF_THRESHOLD };

/** The recommendation of a drop-off point where the sessions that dropped met no catalogue factor. */
export const NO_FRICTION_RECOMMENDATION =
  'No friction was detected in the sessions that dropped here: review the copy and the value shown at this step.';

/** The catalogue's drop-off recommendation for the dominant factor, or the one for no friction. */
export function dropOffRecommendation(dominant: FrictionKind | null): string {
  return dominant ? frictionFactor(dominant).dropOffRecommendation : NO_FRICTION_RECOMMENDATION;
}

export interface DropOffArgs {
  time_range: TimeRange;
  steps: readonly FunnelStep[];
  threshold: number;
  /** Conditions every step's events meet (the funnel's global filters). */
  filters?: readonly QueryFilter[] | undefined;
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
      ...(s.filters ? { filters: s.filters } : {}),
      drop_rate: s.drop_off * 100,
      drop_off: s.drop_off,
      dropped_sessions: tally.byFurthest[k - 1] ?? 0,
      friction: totals,
      dominant_friction: dominant,
      recommendation: dropOffRecommendation(dominant),
    });
  });
  return points;
}

/** The session funnel of `steps` and its drop-off points. */
export async function dropOffPoints(ctx: QueryContext, args: DropOffArgs): Promise<DropOffPoint[]> {
  const tallies = await loadFunnelTallies(
    ctx,
    {
      time_range: args.time_range,
      steps: args.steps,
      unit: 'session',
      window_ms: DEFAULT_FUNNEL_WINDOW_MS,
      filters: args.filters,
    },
    { friction: true },
  );
  const tally = totalTally(args.steps.length, tallies);
  return findDropOffs(summarizeTally(args.steps, tally), tally, args.threshold);
}

export const dropOffsQuery = defineQuery({
  name: 'drop_offs',
  reads: ['events', 'friction', 'settings'],
  // Without steps, the project's key funnel's (ctx.settings).
  args: dropOffsArgs,
  async run(ctx, args): Promise<DropOffsResult> {
    const key_funnel = ctx.settings.key_funnel;
    const steps = args.steps ?? key_funnel?.steps;
    // No steps and no key funnel: nothing to measure, rather than a made-up funnel.
    if (!steps) return { drop_off_points: [], key_funnel };
    return { drop_off_points: await dropOffPoints(ctx, { ...args, steps: [...steps] }), key_funnel };
  },
});
