import type { InterventionRule } from '../storage/processor-records.js';
import { fnv1a } from './ids.js';

/** Messages of the default rules, shown by the SDK's intervention handler. */
export const TOOLTIP_MESSAGE =
  "This doesn't seem to respond the way you expected. Give it a moment, or hover over it to see what it does.";
export const OFFER_SUPPORT_MESSAGE =
  'Something went wrong on our side. Would you like help from our support team?';
export const HELP_PROMPT_MESSAGE = 'Need a hand? We can walk you through the next step.';
export const UPLOAD_RETRY_MESSAGE =
  'Your upload seems stuck. Check your connection and retry: it picks up where it stopped.';

/** Used for a project until it stores its own (first match wins). */
export const DEFAULT_RULES: readonly InterventionRule[] = [
  {
    id: 'error_support',
    when: ['error_encountered'],
    action: 'offer_support',
    message: OFFER_SUPPORT_MESSAGE,
  },
  {
    id: 'frustration_tooltip',
    when: ['rage_click', 'rapid_clicking', 'dead_click'],
    action: 'tooltip',
    message: TOOLTIP_MESSAGE,
  },
  { id: 'upload_retry', when: ['upload_stall'], action: 'help_prompt', message: UPLOAD_RETRY_MESSAGE },
  {
    id: 'abandonment_help',
    when: ['potential_abandonment'],
    action: 'help_prompt',
    message: HELP_PROMPT_MESSAGE,
  },
];

/** Share of sessions (percent) that receive no interventions, to measure their effect. */
export const DEFAULT_HOLDOUT_PERCENT = 10;

/** Deterministic from the session id alone, so a session stays in its group for its whole life. */
export function isHeldOut(sessionId: string, holdoutPercent: number): boolean {
  return fnv1a(sessionId) % 100 < holdoutPercent;
}

/** The first rule matching any of the risk factors (or the insight type). */
export function matchRule(
  rules: readonly InterventionRule[],
  insightType: string,
  factors: readonly string[],
): InterventionRule | undefined {
  return rules.find((rule) => rule.when.some((w) => w === insightType || factors.includes(w)));
}
