import type { ExportRange, StoredEvent } from '../storage/engine.js';

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
    country: e.country,
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

/**
 * The window export bounds must fall in: 1970-01-01 (ms 0, what "from the beginning" clients
 * send, and below any stored timestamp) to 2100-01-01. Outside it a value is a mistake (seconds
 * for ms, a sign slip, -1e308) and, past int64, one the engines cannot even compare with.
 */
export const EXPORT_EARLIEST_MS = 0;
export const EXPORT_LATEST_MS = Date.UTC(2100, 0, 1);

/** Without `from`/`to`, everything stored: from ms 0, to the largest time an engine can hold exactly. */
const EVERYTHING: ExportRange = { from: EXPORT_EARLIEST_MS, to: Number.MAX_SAFE_INTEGER };

/**
 * Checks export bounds before anything is streamed: each one ms since epoch or an ISO-8601 date
 * inside [EXPORT_EARLIEST_MS, EXPORT_LATEST_MS] (so finite), and `from <= to`. Missing means
 * unbounded. Returns the range, or what is wrong with it.
 */
export function parseExportRange(from: string | null, to: string | null): ExportRange | { error: string } {
  const start = parseExportBound('from', from, EVERYTHING.from);
  if (typeof start === 'string') return { error: start };
  const end = parseExportBound('to', to, EVERYTHING.to);
  if (typeof end === 'string') return { error: end };
  if (start > end) return { error: `from (${start}) must not be after to (${end})` };
  return { from: start, to: end };
}

/** One bound as ms, or the message saying why it is refused. */
function parseExportBound(name: string, text: string | null, fallback: number): number | string {
  if (text === null || text === '') return fallback;
  const value = parseTimeBound(text, fallback);
  if (value !== null && value >= EXPORT_EARLIEST_MS && value <= EXPORT_LATEST_MS) return value;
  const window = `${new Date(EXPORT_EARLIEST_MS).toISOString()} and ${new Date(EXPORT_LATEST_MS).toISOString()}`;
  return `${name} must be ms since epoch or an ISO-8601 date between ${window}; got "${text.slice(0, 40)}"`;
}
