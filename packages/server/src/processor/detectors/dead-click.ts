import type { Detection, TimedEvent } from './detection.js';

/**
 * Whether a click changed nothing is only visible in the browser: posthog-js and the SDK judge it
 * (no DOM change, navigation or scroll within 1 s) and send these events.
 */
export const DEAD_CLICK_EVENTS: ReadonlySet<string> = new Set(['$dead_click', 'dead_click']);

export function detectDeadClick(event: TimedEvent): Detection | null {
  if (!DEAD_CLICK_EVENTS.has(event.event)) return null;
  return { factor: 'dead_click', at: event.timestamp, evidence: [event.uuid] };
}
