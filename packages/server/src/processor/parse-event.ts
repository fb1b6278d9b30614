import type { StoredEvent } from '../storage/engine.js';
import type { ProcessorEvent } from './context.js';

/** Events whose properties the processor reads; others skip JSON parsing (most of the traffic). */
const READS_PROPERTIES = new Set(['user_click', 'click', 'page_performance']);
const readsProperties = (event: string) =>
  READS_PROPERTIES.has(event) || event.startsWith('journey_') || event.startsWith('$');

/**
 * The fields the processor reads, as a new object of one shape (not a spread of the stored row:
 * this runs once per event on the processor's hot path, and the row's other columns are unused).
 */
export function parseEvent(e: StoredEvent): ProcessorEvent {
  return {
    seq: e.seq,
    project_id: e.project_id,
    uuid: e.uuid,
    event: e.event,
    distinct_id: e.distinct_id,
    session_id: e.session_id,
    timestamp: e.timestamp,
    received_at: e.received_at,
    path: e.path,
    properties: readsProperties(e.event) ? parseProperties(e.properties) : {},
  };
}

function parseProperties(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Stored properties are validated JSON; anything else is treated as empty.
  }
  return {};
}
