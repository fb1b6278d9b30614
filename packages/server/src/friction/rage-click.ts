import {
  RAGE_CLICK_MAX_DISTANCE_PX,
  RAGE_CLICK_MAX_INTERVAL_MS,
  RAGE_CLICK_MIN_CLICKS,
} from '@sightline/schema';
import type { ClickSample, Detection, FrictionFactor, TimedEvent } from './factor.js';
import { FRUSTRATION_TOOLTIP } from './interventions.js';

// The burst limits are shared with the SDK, which detects the same bursts in the browser.
export { RAGE_CLICK_MAX_DISTANCE_PX, RAGE_CLICK_MAX_INTERVAL_MS, RAGE_CLICK_MIN_CLICKS };

/** Rage clicks the client already detected (posthog-js, @sightline/sdk). */
export const RAGE_CLICK_EVENTS: readonly string[] = ['$rageclick', 'rage_click'];

/**
 * ≥ RAGE_CLICK_MIN_CLICKS clicks, each within RAGE_CLICK_MAX_DISTANCE_PX and
 * RAGE_CLICK_MAX_INTERVAL_MS of the one before, or a rage click the client reported.
 * `clicks`: the session's latest clicks, oldest first, ending with the current one.
 */
export function detectRageClick(event: TimedEvent, clicks: readonly ClickSample[]): Detection | null {
  if (RAGE_CLICK_EVENTS.includes(event.event))
    return { factor: 'rage_click', at: event.timestamp, evidence: [event.uuid] };
  const last = clicks[clicks.length - 1];
  if (!last || last.uuid !== event.uuid || last.x === undefined || last.y === undefined) return null;
  const chain: ClickSample[] = [last];
  for (let i = clicks.length - 2; i >= 0; i--) {
    const earlier = clicks[i]!;
    const later = chain[0]!;
    if (earlier.x === undefined || earlier.y === undefined) break;
    const close = Math.hypot(later.x! - earlier.x, later.y! - earlier.y) <= RAGE_CLICK_MAX_DISTANCE_PX;
    if (!close || later.timestamp - earlier.timestamp > RAGE_CLICK_MAX_INTERVAL_MS) break;
    chain.unshift(earlier);
  }
  if (chain.length < RAGE_CLICK_MIN_CLICKS) return null;
  return { factor: 'rage_click', at: event.timestamp, evidence: chain.map((c) => c.uuid) };
}

export const rageClick: FrictionFactor<'rage_click', typeof detectRageClick> = {
  id: 'rage_click',
  events: RAGE_CLICK_EVENTS,
  thresholds: {
    min_clicks: RAGE_CLICK_MIN_CLICKS,
    max_distance_px: RAGE_CLICK_MAX_DISTANCE_PX,
    max_interval_ms: RAGE_CLICK_MAX_INTERVAL_MS,
  },
  detect: detectRageClick,
  severity: 'medium',
  weight: 3,
  recommendation:
    'Make the clicked element respond at once (loading state, disabled state or visible feedback)',
  dropOffRecommendation:
    'Users rage-clicked before dropping here: make the control for this step respond visibly and at once.',
  intervention: FRUSTRATION_TOOLTIP,
};
