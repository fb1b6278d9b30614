import type { InsightSeverity } from '../storage/processor-records.js';
import type { RiskFactor } from './detectors/detection.js';

/** What to do about each factor; the first three are the original spec's generateRecommendations texts. */
export const RECOMMENDED_ACTIONS: Readonly<Record<RiskFactor, string>> = {
  rapid_clicking: 'Show helpful tooltips or loading states',
  potential_abandonment: 'Consider showing engagement prompt or help',
  error_encountered: 'Display better error recovery options',
  rage_click: 'Make the clicked element respond at once (loading state, disabled state or visible feedback)',
  dead_click: 'Make non-interactive elements look non-clickable, or make them respond to clicks',
  slow_page: 'Speed up the page load or show a skeleton while it loads',
  upload_stall: 'Offer to retry or resume the upload and show clear progress',
};

/** How much each detection adds to a session's friction score. */
export const FRICTION_WEIGHTS: Readonly<Record<RiskFactor, number>> = {
  rage_click: 3,
  error_encountered: 3,
  upload_stall: 3,
  rapid_clicking: 2,
  potential_abandonment: 2,
  dead_click: 1,
  slow_page: 1,
};

export const FACTOR_SEVERITY: Readonly<Record<RiskFactor, InsightSeverity>> = {
  error_encountered: 'high',
  upload_stall: 'high',
  rage_click: 'medium',
  rapid_clicking: 'medium',
  potential_abandonment: 'medium',
  dead_click: 'low',
  slow_page: 'low',
};

/** A session whose friction score reaches these is at medium / high risk whatever the latest factor. */
export const FRICTION_MEDIUM_SCORE = 4;
export const FRICTION_HIGH_SCORE = 8;

/** At most one insight per (session, factor) per this much event time. */
export const INSIGHT_COOLDOWN_MS = 5 * 60_000;

const RANK: Record<InsightSeverity, number> = { low: 0, medium: 1, high: 2 };

export function recommendationsFor(factors: readonly RiskFactor[]): string[] {
  return factors.map((f) => RECOMMENDED_ACTIONS[f]);
}

export function severityFor(factors: readonly RiskFactor[], frictionScore: number): InsightSeverity {
  let severity: InsightSeverity =
    frictionScore >= FRICTION_HIGH_SCORE ? 'high' : frictionScore >= FRICTION_MEDIUM_SCORE ? 'medium' : 'low';
  for (const f of factors) if (RANK[FACTOR_SEVERITY[f]] > RANK[severity]) severity = FACTOR_SEVERITY[f];
  return severity;
}
