import { DEAD_CLICK_WAIT_MS } from '@sightline/schema';
import type { Detection, FrictionFactor, TimedEvent } from './factor.js';
import { FRUSTRATION_TOOLTIP } from './interventions.js';

export { DEAD_CLICK_WAIT_MS };

/**
 * Whether a click changed nothing is only visible in the browser: posthog-js and the SDK judge it
 * (no DOM change, navigation or scroll within DEAD_CLICK_WAIT_MS) and send these events.
 */
export const DEAD_CLICK_EVENTS: readonly string[] = ['$dead_click', 'dead_click'];

export function detectDeadClick(event: TimedEvent): Detection | null {
  if (!DEAD_CLICK_EVENTS.includes(event.event)) return null;
  return { factor: 'dead_click', at: event.timestamp, evidence: [event.uuid] };
}

export const deadClick: FrictionFactor<'dead_click', typeof detectDeadClick> = {
  id: 'dead_click',
  events: DEAD_CLICK_EVENTS,
  thresholds: { wait_ms: DEAD_CLICK_WAIT_MS },
  detect: detectDeadClick,
  severity: 'low',
  weight: 1,
  recommendation: 'Make non-interactive elements look non-clickable, or make them respond to clicks',
  dropOffRecommendation:
    'Users clicked elements that did nothing before dropping here: make the next action obvious and clickable.',
  intervention: FRUSTRATION_TOOLTIP,
};
