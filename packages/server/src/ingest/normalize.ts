import {
  type BotPolicy,
  DEFAULT_BOT_POLICY,
  LIMITS,
  type NativeEvent,
  timestampToMs,
} from '@sightline/schema';
import type { EventRow } from '../storage/engine.js';
import { sentByBot } from './bots.js';
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
  /** The sending client's country (ISO 3166-1 alpha-2, '' unknown), from its address (geo/). */
  country?: string;
  /** What to do with bot events (bots.ts); DEFAULT_BOT_POLICY when not given. */
  bots?: BotPolicy;
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
  /** `bot`: a bot sent it (bots.ts); with the `flag` policy its properties say so (`$bot: true`). */
  | { ok: true; row: EventRow; bot: boolean }
  | { ok: false; code: 'event_too_large' | 'invalid_timestamp'; error: string };

/** A validated native event → the stored columns (docs/ARCHITECTURE.md, Storage; docs/API.md, `POST /v1/events`). */
export function normalizeNativeEvent(
  event: NativeEvent,
  ctx: IngestContext,
  hints: ColumnHints = {},
): NormalizeResult {
  const given = event.properties ?? {};
  // The User-Agent the event names (the visitor's), else the request's (bots.ts tells them apart).
  const named = hints.userAgent ?? (str(given['user_agent']) || str(given['$user_agent']) || undefined);
  const userAgent = named ?? ctx.userAgent;
  const bot = sentByBot(userAgent, named === undefined ? 'request' : 'event');
  const flagged = bot && (ctx.bots ?? DEFAULT_BOT_POLICY) === 'flag';
  const props = flagged ? { ...given, $bot: true } : given;
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
  const client = parseUserAgent(userAgent);
  const sent = event.timestamp === undefined ? undefined : timestampToMs(event.timestamp);
  const timestamp = Math.round(correctedTimestamp(sent, ctx.receivedAt, ctx.sentAt));
  const outside = timestampOutsideWindow(timestamp, ctx.receivedAt);
  if (outside !== null) return { ok: false, code: 'invalid_timestamp', error: outside };
  return {
    ok: true,
    bot,
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
      country: ctx.country ?? '',
    },
  };
}
