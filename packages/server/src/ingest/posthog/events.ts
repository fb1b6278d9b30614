import { EVENTS } from '@sightline/schema';
import { derivedUuid } from '../derived-uuid.js';
import type { CandidateEvent } from '../native-batch.js';
import type { ColumnHints } from '../normalize.js';
import { idString, isObject, type JsonObject, stringOr } from '../wire-values.js';

/**
 * PostHog names Sightline stores under its own name, so every query and detector sees one
 * page-view event whatever the client (docs/API.md). All other names are kept as sent.
 */
const RENAMED_EVENTS: Readonly<Record<string, string>> = {
  $pageview: EVENTS.pageView,
  $screen: 'screen_view',
};

/** Session-recording payloads: counted, never stored (docs/API.md). */
const RECORDING_EVENTS = new Set(['$snapshot', '$snapshot_items']);

export function isRecordingEvent(event: unknown): boolean {
  return isObject(event) && typeof event['event'] === 'string' && RECORDING_EVENTS.has(event['event']);
}

const PERSON_UPDATE_KEYS = ['$set', '$set_once', '$unset'] as const;

/**
 * The stored properties: as sent, except that posthog-js's `token` (the project key, a transport
 * field) is not kept, and posthog-node's top-level `$set` / `$set_once` / `$unset` are folded in,
 * as PostHog's own ingestion does, so they are not lost.
 */
function propertiesOf(event: JsonObject): unknown {
  const sent = event['properties'];
  if (sent !== undefined && !isObject(sent)) return sent;
  const needsFolding = PERSON_UPDATE_KEYS.some((key) => event[key] !== undefined);
  if (!needsFolding && (sent === undefined || !('token' in sent))) return sent;
  const { token: _key, ...properties } = sent ?? {};
  for (const key of PERSON_UPDATE_KEYS) {
    const top = event[key];
    if (top === undefined) continue;
    const inner = properties[key];
    properties[key] = isObject(top) && isObject(inner) ? { ...inner, ...top } : top;
  }
  return properties;
}

/** Where posthog-js keeps what the native columns read (`$direct` is its word for "no referrer"). */
function hintsOf(properties: JsonObject): ColumnHints {
  const hints: ColumnHints = {};
  const userAgent = stringOr(properties['$raw_user_agent']);
  if (userAgent) hints.userAgent = userAgent;
  if (properties['$referrer'] === '$direct' && properties['referrer'] === undefined) hints.referrer = '';
  return hints;
}

/**
 * One PostHog event → a native-shaped candidate; the shared validation then judges it like any
 * native event. `distinct_id` may sit in `properties` (posthog-js), `session_id` at the top level
 * (capture v1) or in `properties.$session_id`. Without `timestamp`, `offset` (ms before sending)
 * places the event at `receivedAt - offset`, as PostHog does; `$ignore_sent_at` turns skew off.
 */
export function postHogCandidate(raw: unknown, index: number, receivedAt: number): CandidateEvent {
  if (!isObject(raw)) return { index, value: raw };
  const sentProperties = isObject(raw['properties']) ? raw['properties'] : {};
  const name = raw['event'];
  let timestamp = raw['timestamp'] ?? undefined;
  let sentAt: number | null | undefined;
  const offset = raw['offset'];
  if (timestamp === undefined && typeof offset === 'number' && Number.isFinite(offset)) {
    timestamp = Math.max(0, receivedAt - offset);
    sentAt = null;
  }
  const options = isObject(raw['options']) ? raw['options'] : {};
  if (sentProperties['$ignore_sent_at'] === true || options['disable_skew_correction'] === true)
    sentAt = null;
  const value = {
    uuid: idString(raw['uuid']) || derivedUuid(raw),
    event: typeof name === 'string' ? (RENAMED_EVENTS[name] ?? name) : name,
    distinct_id: idString(raw['distinct_id']) ?? idString(sentProperties['distinct_id']),
    session_id: idString(raw['session_id']) ?? idString(sentProperties['$session_id']),
    timestamp,
    properties: propertiesOf(raw),
  };
  return { index, value, hints: hintsOf(sentProperties), ...(sentAt === undefined ? {} : { sentAt }) };
}
