import type { Detection, FrictionFactor, TimedEvent } from './factor.js';
import { FRUSTRATION_TOOLTIP } from './interventions.js';

/** Among the latest this many clicks, count the quick ones (a short memory: one burst, not a session). */
export const RAPID_CLICKING_WINDOW = 10;
/** A click less than this after the one before is quick (about the pace of an impatient retry). */
export const RAPID_CLICKING_MAX_GAP_MS = 1000;
/** More than 3 quick clicks: a double or triple click is normal use, four quick ones are not. */
export const RAPID_CLICKING_MIN_RAPID = 4;
/**
 * Only clicks this close to the latest one form the window: without a bound, four double-clicks
 * spread over a long session would count as one burst.
 */
export const RAPID_CLICKING_SPAN_MS = 5000;

/**
 * `recent`: the session's latest clicks, oldest first, ending with the current one. Automatic
 * events (page views, performance, vitals) arrive in bursts at page load, so they are not
 * counted: only what the user did.
 *
 * Overlap with rage clicks, decided here once: a burst on one spot is a rage click, not also
 * rapid clicking. `rageClickAt` is the latest rage click detected in the session (any source);
 * when it lies within RAPID_CLICKING_SPAN_MS of the current click, the quick clicks are that rage
 * click and nothing is reported. Rapid clicking is quick clicking spread over the page.
 */
export function detectRapidClicking(
  recent: readonly TimedEvent[],
  rageClickAt: number | null,
): Detection | null {
  const latest = recent[recent.length - 1];
  if (!latest) return null;
  if (rageClickAt !== null && Math.abs(latest.timestamp - rageClickAt) <= RAPID_CLICKING_SPAN_MS) return null;
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

export const rapidClicking: FrictionFactor<'rapid_clicking', typeof detectRapidClicking> = {
  id: 'rapid_clicking',
  events: [],
  thresholds: {
    window_clicks: RAPID_CLICKING_WINDOW,
    max_gap_ms: RAPID_CLICKING_MAX_GAP_MS,
    min_rapid: RAPID_CLICKING_MIN_RAPID,
    span_ms: RAPID_CLICKING_SPAN_MS,
  },
  detect: detectRapidClicking,
  severity: 'medium',
  weight: 2,
  recommendation: 'Show helpful tooltips or loading states',
  dropOffRecommendation:
    'Users clicked quickly around the page before dropping here: show loading states and make the next action clear.',
  intervention: FRUSTRATION_TOOLTIP,
};
