import type { StoredEvent } from '../storage/engine.js';
import type { ProcessorEvent } from './context.js';

/** Events whose properties the processor reads; others skip JSON parsing (most of the traffic). */
const READS_PROPERTIES = new Set(['user_click', 'click', 'page_performance']);
const readsProperties = (event: string) =>
  READS_PROPERTIES.has(event) || event.startsWith('journey_') || event.startsWith('$');

export function parseEvent(e: StoredEvent): ProcessorEvent {
  let properties: Record<string, unknown> = {};
  if (!readsProperties(e.event)) return { ...e, properties };
  try {
    const parsed: unknown = JSON.parse(e.properties);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      properties = parsed as Record<string, unknown>;
  } catch {
    // Stored properties are validated JSON; anything else is treated as empty.
  }
  return { ...e, properties };
}
