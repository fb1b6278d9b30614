import type { Detection, TimedEvent } from './detection.js';

/** `$exception` is PostHog's error event; any other name containing "error" counts, as in the original spec. */
export const ERROR_EVENTS: ReadonlySet<string> = new Set(['error', '$exception']);
export const ERROR_NAME_FRAGMENT = 'error';

export function detectError(event: TimedEvent): Detection | null {
  const isError = ERROR_EVENTS.has(event.event) || event.event.toLowerCase().includes(ERROR_NAME_FRAGMENT);
  return isError ? { factor: 'error_encountered', at: event.timestamp, evidence: [event.uuid] } : null;
}
