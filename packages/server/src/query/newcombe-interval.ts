/**
 * Confidence intervals for a proportion and for the difference of two independent proportions,
 * as Newcombe (1998) recommends for small samples: Wilson's score interval for each proportion
 * (no continuity correction), combined into the hybrid score interval for the difference
 * ("method 10" of Newcombe, Statistics in Medicine 17:873–890). Unlike the textbook Wald interval
 * it stays inside [−1, 1], is not zero-width at 0 % or 100 %, and keeps close to its nominal
 * coverage with a few dozen observations.
 */

/** The standard normal quantile for a two-sided 95 % interval (Φ⁻¹(0.975)). */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson's score interval for `successes` out of `trials` (trials > 0). */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (!(trials > 0) || successes < 0 || successes > trials)
    throw new RangeError(
      `wilsonInterval: need 0 ≤ successes ≤ trials, trials > 0 (got ${successes}/${trials})`,
    );
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 2 * (trials + z2);
  const centre = (2 * trials * p + z2) / denominator;
  const halfWidth = (z * Math.sqrt(z2 + 4 * trials * p * (1 - p))) / denominator;
  // Clamp: at p = 0 or 1 the bound is exactly 0 or 1; rounding must not push it past.
  return { low: Math.max(0, centre - halfWidth), high: Math.min(1, centre + halfWidth) };
}

export interface ProportionDifference extends Interval {
  /** p1 − p2. */
  difference: number;
}

/**
 * Newcombe's hybrid score interval for p1 − p2, with p1 = successes1 / trials1 and
 * p2 = successes2 / trials2 (both trials > 0): from the Wilson intervals (l1, u1), (l2, u2),
 * low = d − √((p1 − l1)² + (u2 − p2)²) and high = d + √((u1 − p1)² + (p2 − l2)²).
 */
export function newcombeDifference(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
  z = Z_95,
): ProportionDifference {
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const a = wilsonInterval(successes1, trials1, z);
  const b = wilsonInterval(successes2, trials2, z);
  const difference = p1 - p2;
  return {
    difference,
    low: Math.max(-1, difference - Math.hypot(p1 - a.low, b.high - p2)),
    high: Math.min(1, difference + Math.hypot(a.high - p1, p2 - b.low)),
  };
}
