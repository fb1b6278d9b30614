import type { ClickSample, Detection, TimedEvent } from './detection.js';

/** As posthog-js and the SDK: ≥ 3 clicks, each within 30 px and 1 s of the one before. */
export const RAGE_CLICK_MIN_CLICKS = 3;
export const RAGE_CLICK_MAX_DISTANCE_PX = 30;
export const RAGE_CLICK_MAX_INTERVAL_MS = 1000;
/** Rage clicks the client already detected (posthog-js, @sightline/sdk). */
export const RAGE_CLICK_EVENTS: ReadonlySet<string> = new Set(['$rageclick', 'rage_click']);

/** `clicks`: the session's latest clicks, oldest first, ending with the current one. */
export function detectRageClick(event: TimedEvent, clicks: readonly ClickSample[]): Detection | null {
  if (RAGE_CLICK_EVENTS.has(event.event))
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
