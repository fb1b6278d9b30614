import type { ComparisonVerdict, CompletionComparison, InterventionGroup } from '@sightline/schema';
import { newcombeDifference, Z_95 } from './newcombe-interval.js';

/**
 * Below this many key journeys in either group a comparison gives no verdict. At 30 per group the
 * 95 % interval of a difference between two rates near 50 % is already about ±0.24 wide (Newcombe:
 * 15/30 vs 15/30 → −0.24 to +0.24), so only a large effect can show; with fewer it spans most of
 * the possible range (5/10 vs 5/10: ±0.37) and a "targeted 77 % vs hold-out 100 %" with 2 hold-out
 * journeys says nothing. With the default 10 % hold-out, 30 hold-out journeys come after about 300
 * targeted ones: the first point at which the report can say anything. The minimum is part of the
 * meaning of the report (docs/SEMANTICS.md), so it is a constant, not an operator setting.
 */
export const MIN_JOURNEYS_PER_GROUP = 30;
/** The interval's confidence level (its z is Z_95). */
export const COMPARISON_CONFIDENCE = 0.95;

export interface ComparisonOptions {
  /** Default MIN_JOURNEYS_PER_GROUP. */
  minJourneysPerGroup?: number;
}

type Counts = Pick<InterventionGroup, 'journeys' | 'completed_journeys'>;

/** Targeted − hold-out key-journey completion with its 95 % interval, and what it supports. */
export function compareCompletion(
  targeted: Counts,
  heldOut: Counts,
  options: ComparisonOptions = {},
): CompletionComparison {
  const minimum = options.minJourneysPerGroup ?? MIN_JOURNEYS_PER_GROUP;
  const enoughData = targeted.journeys >= minimum && heldOut.journeys >= minimum;
  const base = {
    confidence: COMPARISON_CONFIDENCE,
    enough_data: enoughData,
    min_journeys_per_group: minimum,
  };
  if (targeted.journeys === 0 || heldOut.journeys === 0)
    return { ...base, difference: null, ci_low: null, ci_high: null, verdict: null };
  const { difference, low, high } = newcombeDifference(
    targeted.completed_journeys,
    targeted.journeys,
    heldOut.completed_journeys,
    heldOut.journeys,
    Z_95,
  );
  return {
    ...base,
    difference,
    ci_low: low,
    ci_high: high,
    verdict: enoughData ? verdictOf(low, high) : null,
  };
}

/** An interval wholly above 0: targeted completes more often; wholly below: less; else no clear difference. */
function verdictOf(low: number, high: number): ComparisonVerdict {
  if (low > 0) return 'targeted_higher';
  if (high < 0) return 'targeted_lower';
  return 'no_clear_difference';
}
