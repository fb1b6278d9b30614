import type { Detection, FrictionFactor, TimedEvent } from './factor.js';
import { OFFER_SUPPORT_MESSAGE } from './interventions.js';

/**
 * Error events, by exact name: `error` is what the SDK's errors plugin sends (window.onerror and
 * unhandled rejections), `$exception` is posthog-js's. An exact list, not "any name containing
 * error": an app's `upload_error_shown` or `validation_error` is the app's own event, and the
 * detector and every query must count the same events.
 */
export const ERROR_EVENTS: readonly string[] = ['error', '$exception'];

export function detectError(event: TimedEvent): Detection | null {
  if (!ERROR_EVENTS.includes(event.event)) return null;
  return { factor: 'error_encountered', at: event.timestamp, evidence: [event.uuid] };
}

export const errorEncountered: FrictionFactor<'error_encountered', typeof detectError> = {
  id: 'error_encountered',
  events: ERROR_EVENTS,
  thresholds: {},
  detect: detectError,
  severity: 'high',
  weight: 3,
  recommendation: 'Display better error recovery options',
  dropOffRecommendation:
    'Errors hit many sessions that dropped here: fix the errors raised before this step.',
  intervention: { rule: 'error_support', action: 'offer_support', message: OFFER_SUPPORT_MESSAGE },
};
