import type { Detection, TimedEvent } from './detection.js';

export const SLOW_PAGE_EVENT = 'page_performance';
/** A page that takes longer than this to load (page_load_time, ms) is slow. */
export const SLOW_PAGE_LOAD_MS = 4000;

export function detectSlowPage(event: TimedEvent, properties: Record<string, unknown>): Detection | null {
  if (event.event !== SLOW_PAGE_EVENT) return null;
  const load = properties['page_load_time'];
  if (typeof load !== 'number' || !(load > SLOW_PAGE_LOAD_MS)) return null;
  return { factor: 'slow_page', at: event.timestamp, evidence: [event.uuid] };
}
