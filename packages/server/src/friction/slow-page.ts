import type { Detection, FrictionFactor, TimedEvent } from './factor.js';

export const SLOW_PAGE_EVENT = 'page_performance';
/**
 * A page that takes longer than this to load (`page_load_time`, ms) is slow: past about 4 s,
 * a noticeable share of visitors leave before the page is usable.
 */
export const SLOW_PAGE_LOAD_MS = 4000;

export function detectSlowPage(event: TimedEvent, properties: Record<string, unknown>): Detection | null {
  if (event.event !== SLOW_PAGE_EVENT) return null;
  const load = properties['page_load_time'];
  if (typeof load !== 'number' || !(load > SLOW_PAGE_LOAD_MS)) return null;
  return { factor: 'slow_page', at: event.timestamp, evidence: [event.uuid] };
}

export const slowPage: FrictionFactor<'slow_page', typeof detectSlowPage> = {
  id: 'slow_page',
  events: [SLOW_PAGE_EVENT],
  thresholds: { load_ms: SLOW_PAGE_LOAD_MS },
  detect: detectSlowPage,
  severity: 'low',
  weight: 1,
  recommendation: 'Speed up the page load or show a skeleton while it loads',
  dropOffRecommendation: `Pages loaded slowly (over ${SLOW_PAGE_LOAD_MS / 1000} s) for sessions that dropped here: speed up the page that leads to this step.`,
  // A slow page is the site's problem, not something to interrupt the user about.
  intervention: null,
};
