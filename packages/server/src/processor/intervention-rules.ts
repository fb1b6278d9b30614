import { FRICTION_CATALOGUE } from '../friction/catalogue.js';
import { DEFAULT_RULE_ORDER } from '../friction/interventions.js';
import type { InterventionRule } from '../storage/processor-records.js';
import { fnv1a } from './ids.js';

export {
  HELP_PROMPT_MESSAGE,
  OFFER_SUPPORT_MESSAGE,
  TOOLTIP_MESSAGE,
  UPLOAD_RETRY_MESSAGE,
} from '../friction/interventions.js';

/**
 * Used for a project until it stores its own (first match wins): each catalogue factor's default
 * intervention, factors sharing a rule id grouped into one rule, rules in DEFAULT_RULE_ORDER.
 */
export const DEFAULT_RULES: readonly InterventionRule[] = (() => {
  const rules = new Map<string, InterventionRule>();
  for (const factor of FRICTION_CATALOGUE) {
    const { intervention } = factor;
    if (!intervention) continue;
    const rule = rules.get(intervention.rule);
    if (rule) rule.when.push(factor.id);
    else
      rules.set(intervention.rule, {
        id: intervention.rule,
        when: [factor.id],
        action: intervention.action,
        message: intervention.message,
      });
  }
  const rank = (id: string) => {
    const i = DEFAULT_RULE_ORDER.indexOf(id);
    return i < 0 ? DEFAULT_RULE_ORDER.length : i;
  };
  return [...rules.values()].sort((a, b) => rank(a.id) - rank(b.id));
})();

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
