import type { InsightSeverity } from '../storage/processor-records.js';
import { frictionFactor, type RiskFactor } from './catalogue.js';

/**
 * A session whose friction score (the sum of its detections' weights) reaches these is at medium /
 * high risk whatever the latest factor: two heavy detections, or four of any kind, make medium.
 */
export const FRICTION_MEDIUM_SCORE = 4;
export const FRICTION_HIGH_SCORE = 8;

/** At most one insight per (session, factor) per this much event time: one problem, one alert. */
export const INSIGHT_COOLDOWN_MS = 5 * 60_000;

const RANK: Record<InsightSeverity, number> = { low: 0, medium: 1, high: 2 };

export function recommendationsFor(factors: readonly RiskFactor[]): string[] {
  return factors.map((f) => frictionFactor(f).recommendation);
}

/** The highest of the factors' own severities and the severity the session's score reached. */
export function severityFor(factors: readonly RiskFactor[], frictionScore: number): InsightSeverity {
  let severity: InsightSeverity =
    frictionScore >= FRICTION_HIGH_SCORE ? 'high' : frictionScore >= FRICTION_MEDIUM_SCORE ? 'medium' : 'low';
  for (const f of factors) {
    const own = frictionFactor(f).severity;
    if (RANK[own] > RANK[severity]) severity = own;
  }
  return severity;
}

/** When two factors were met by equally many sessions, the heavier one is named (then catalogue order). */
export function heavierFirst(a: RiskFactor, b: RiskFactor): number {
  return frictionFactor(b).weight - frictionFactor(a).weight;
}
