import { LIMITS, type NativeEvent, timestampToMs } from '@sightline/schema';
import type { EventRow } from '../storage/engine.js';
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

/**
 * Below this, `receivedAt - sentAt` is network and queueing time, not a wrong clock: correcting
 * it would shift a whole batch by its transit time and could reorder it against the next batch.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 1_000;

/**
 * Client clocks drift. The client stamps each event and the batch's send time with the same
 * clock, so `timestamp + (receivedAt - sentAt)` places the event on the server's clock.
 */
export function correctedTimestamp(timestamp: number | undefined, ctx: IngestContext): number {
  if (timestamp === undefined) return ctx.receivedAt;
  if (ctx.sentAt === undefined || !Number.isFinite(ctx.sentAt)) return timestamp;
  const skew = ctx.receivedAt - ctx.sentAt;
  return Math.abs(skew) < CLOCK_SKEW_TOLERANCE_MS ? timestamp : timestamp + skew;
}

export type NormalizeResult =
  | { ok: true; row: EventRow }
  | { ok: false; code: 'event_too_large'; error: string };

/** A validated native event → the stored columns (DESIGN §3/§4). */
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
  const timestamp = event.timestamp === undefined ? undefined : timestampToMs(event.timestamp);
  return {
    ok: true,
    row: {
      project_id: ctx.projectId,
      uuid: event.uuid,
      event: event.event,
      distinct_id: event.distinct_id,
      session_id: event.session_id ?? str(props['$session_id']),
      timestamp: Math.round(correctedTimestamp(timestamp, ctx)),
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
