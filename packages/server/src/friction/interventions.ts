import type { DefaultIntervention } from './factor.js';

/** Messages of the default interventions, shown by the SDK's intervention handler. */
export const TOOLTIP_MESSAGE =
  "This doesn't seem to respond the way you expected. Give it a moment, or hover over it to see what it does.";
export const OFFER_SUPPORT_MESSAGE =
  'Something went wrong on our side. Would you like help from our support team?';
export const HELP_PROMPT_MESSAGE = 'Need a hand? We can walk you through the next step.';
export const UPLOAD_RETRY_MESSAGE =
  'Your upload seems stuck. Check your connection and retry: it picks up where it stopped.';

/** Click frustration of any kind gets the same tooltip (one rule, one cooldown). */
export const FRUSTRATION_TOOLTIP: DefaultIntervention = {
  rule: 'frustration_tooltip',
  action: 'tooltip',
  message: TOOLTIP_MESSAGE,
};

/**
 * Default rules are tried in this order (the first match wins): an error is the most urgent to
 * answer, then click frustration, a stuck upload, a pause. A rule id not listed here comes after.
 */
export const DEFAULT_RULE_ORDER: readonly string[] = [
  'error_support',
  'frustration_tooltip',
  'upload_retry',
  'abandonment_help',
];
