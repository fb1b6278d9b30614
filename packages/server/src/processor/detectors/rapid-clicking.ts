import type { Detection, TimedEvent } from './detection.js';

/** The original spec's rule: among the last 10 events, more than 3 come < 1 s after their predecessor. */
export const RAPID_CLICKING_WINDOW = 10;
export const RAPID_CLICKING_MAX_GAP_MS = 1000;
export const RAPID_CLICKING_MIN_RAPID = 4;
/**
 * Only events this close to the latest one form the window: without a bound, four double-clicks
 * spread over a long session would count as one burst.
 */
export const RAPID_CLICKING_SPAN_MS = 5000;

/**
 * `recent`: the session's latest interaction events (clicks), oldest first, ending with the
 * current one. Automatic events (page views, performance, vitals) arrive in bursts at page load,
 * so they are not counted: only what the user did.
 */
export function detectRapidClicking(recent: readonly TimedEvent[]): Detection | null {
  const latest = recent[recent.length - 1];
  if (!latest) return null;
  const window = recent
    .slice(-RAPID_CLICKING_WINDOW)
    .filter((e) => latest.timestamp - e.timestamp <= RAPID_CLICKING_SPAN_MS);
  const rapid: string[] = [];
  for (let i = 1; i < window.length; i++) {
    if (window[i]!.timestamp - window[i - 1]!.timestamp < RAPID_CLICKING_MAX_GAP_MS)
      rapid.push(window[i]!.uuid);
  }
  if (rapid.length < RAPID_CLICKING_MIN_RAPID) return null;
  return { factor: 'rapid_clicking', at: latest.timestamp, evidence: rapid };
}
