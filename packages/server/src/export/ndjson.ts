import type { StoredEvent } from '../storage/engine.js';

/**
 * One exported event as an NDJSON line. `properties` is spliced in as stored, so strings come
 * back exactly as they were received.
 */
export function eventToNdjson(e: StoredEvent): string {
  const head = JSON.stringify({
    uuid: e.uuid,
    seq: e.seq,
    event: e.event,
    distinct_id: e.distinct_id,
    session_id: e.session_id,
    timestamp: e.timestamp,
    received_at: e.received_at,
    url: e.url,
    path: e.path,
    referrer: e.referrer,
    browser: e.browser,
    os: e.os,
    device: e.device,
  });
  return `${head.slice(0, -1)},"properties":${e.properties}}\n`;
}

/** `from`/`to` query values: ms since epoch or an ISO-8601 date; missing means unbounded. */
export function parseTimeBound(value: string | null, fallback: number): number | null {
  if (value === null || value === '') return fallback;
  const asNumber = Number(value);
  if (Number.isFinite(asNumber)) return asNumber;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : null;
}
