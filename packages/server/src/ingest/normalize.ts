import { LIMITS, type NativeEvent, timestampToMs } from '@sightline/schema';
import type { EventRow } from '../storage/engine.js';
import { correctedTimestamp, timestampOutsideWindow } from './timestamps.js';
import { parseUserAgent } from './user-agent.js';

export interface IngestContext {
  projectId: string;
  /** Server clock when the request arrived (ms). */
  receivedAt: number;
  /** The batch's `sent_at` (ms), for clock-skew correction. */
  sentAt: number | undefined;
  /** The request's User-Agent, used when the event carries none. */
  userAgent: string;
}

/**
 * Where a source format keeps what the native format reads from `properties`: a defined
 * value replaces the native lookup (Segment's `context.page.url`, PostHog's `$raw_user_agent`).
 */
export interface ColumnHints {
  url?: string;
  path?: string;
  referrer?: string;
  userAgent?: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function pathOf(url: string): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

export type NormalizeResult =
  | { ok: true; row: EventRow }
  | { ok: false; code: 'event_too_large' | 'invalid_timestamp'; error: string };

/** A validated native event → the stored columns (docs/ARCHITECTURE.md, Storage; docs/API.md, `POST /v1/events`). */
export function normalizeNativeEvent(
  event: NativeEvent,
  ctx: IngestContext,
  hints: ColumnHints = {},
): NormalizeResult {
  const props = event.properties ?? {};
  const properties = JSON.stringify(props);
  const size =
    Buffer.byteLength(properties) + event.uuid.length + event.event.length + event.distinct_id.length + 64;
  if (size > LIMITS.maxEventBytes) {
    return {
      ok: false,
      code: 'event_too_large',
      error: `event is ${size} bytes; the limit is ${LIMITS.maxEventBytes}`,
    };
  }
  const url = hints.url ?? (str(props['url']) || str(props['$current_url']));
  const client = parseUserAgent(
    hints.userAgent ?? (str(props['user_agent']) || str(props['$user_agent']) || ctx.userAgent),
  );
  const sent = event.timestamp === undefined ? undefined : timestampToMs(event.timestamp);
  const timestamp = Math.round(correctedTimestamp(sent, ctx.receivedAt, ctx.sentAt));
  const outside = timestampOutsideWindow(timestamp, ctx.receivedAt);
  if (outside !== null) return { ok: false, code: 'invalid_timestamp', error: outside };
  return {
    ok: true,
    row: {
      project_id: ctx.projectId,
      uuid: event.uuid,
      event: event.event,
      distinct_id: event.distinct_id,
      session_id: event.session_id ?? str(props['$session_id']),
      timestamp,
      received_at: ctx.receivedAt,
      url,
      path: hints.path ?? (str(props['path']) || str(props['$pathname']) || pathOf(url)),
      referrer: hints.referrer ?? (str(props['referrer']) || str(props['$referrer'])),
      browser: client.browser,
      os: client.os,
      device: client.device,
      properties,
    },
  };
}
