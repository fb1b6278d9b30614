import { EVENTS } from '@sightline/schema';
import { derivedUuid } from '../derived-uuid.js';
import type { CandidateEvent } from '../native-batch.js';
import type { ColumnHints } from '../normalize.js';
import { idString, isObject, type JsonObject, stringOr, timeMs } from '../wire-values.js';
import { SEGMENT_TYPES, type SegmentType } from './envelope.js';

const objectOr = (value: unknown): JsonObject => (isObject(value) ? value : {});

/** Segment's calls under Sightline's (and PostHog's) event names (docs/API.md). */
function eventName(type: unknown, message: JsonObject): unknown {
  switch (type) {
    case 'track':
      return message['event'];
    case 'page':
      return EVENTS.pageView;
    case 'screen':
      return 'screen_view';
    case 'identify':
      return '$identify';
    case 'group':
      return '$groupidentify';
    case 'alias':
      return '$create_alias';
    default:
      return undefined;
  }
}

/**
 * The properties stored for each call: track/page/screen keep theirs (page and screen add their
 * `name` / `category`); identify, group and alias use PostHog's property names for the same facts.
 */
function propertiesOf(type: unknown, message: JsonObject, distinctId: string | undefined): JsonObject {
  const traits = objectOr(message['traits']);
  switch (type) {
    case 'identify': {
      const anonymousId = idString(message['anonymousId']);
      return {
        $set: traits,
        ...(anonymousId && anonymousId !== distinctId ? { $anon_distinct_id: anonymousId } : {}),
      };
    }
    case 'group':
      return { $group_type: 'group', $group_key: idString(message['groupId']) ?? '', $group_set: traits };
    case 'alias':
      return { alias: idString(message['previousId']) ?? '' };
    default: {
      const properties = objectOr(message['properties']);
      const extra: JsonObject = {};
      for (const key of ['name', 'category'] as const) {
        if (typeof message[key] === 'string' && properties[key] === undefined) extra[key] = message[key];
      }
      return Object.keys(extra).length > 0 ? { ...properties, ...extra } : properties;
    }
  }
}

/**
 * Segment has no standard session id: the first of `context.sessionId`, `properties.session_id`,
 * `properties.$session_id` and the Amplitude integration's `session_id` (what Segment's Amplitude
 * plugins send) is used; otherwise the event has none.
 */
function sessionIdOf(message: JsonObject, context: JsonObject, properties: JsonObject): string | undefined {
  const integrations = objectOr(message['integrations']);
  return (
    idString(context['sessionId']) ??
    idString(properties['session_id']) ??
    idString(properties['$session_id']) ??
    idString(objectOr(integrations['Actions Amplitude'])['session_id']) ??
    idString(objectOr(integrations['Amplitude'])['session_id'])
  );
}

function hintsOf(context: JsonObject, properties: JsonObject): ColumnHints {
  const page = objectOr(context['page']);
  const hints: ColumnHints = {};
  const url = stringOr(properties['url']) ?? stringOr(page['url']);
  const path = stringOr(properties['path']) ?? stringOr(page['path']);
  const referrer = stringOr(properties['referrer']) ?? stringOr(page['referrer']);
  const userAgent = stringOr(context['userAgent']);
  if (url !== undefined) hints.url = url;
  if (path !== undefined) hints.path = path;
  if (referrer !== undefined) hints.referrer = referrer;
  if (userAgent !== undefined) hints.userAgent = userAgent;
  return hints;
}

/**
 * One Segment message → a native-shaped candidate: `messageId` → uuid (derived from the message
 * when absent), `userId` (else `anonymousId`) → distinct_id, `originalTimestamp` or `timestamp`
 * corrected with the message's (else the batch's) `sentAt`.
 */
export function segmentCandidate(raw: unknown, index: number): CandidateEvent {
  if (!isObject(raw)) return { index, value: raw };
  const type = raw['type'];
  if (!SEGMENT_TYPES.includes(type as SegmentType)) {
    return { index, value: raw, rejection: `type must be one of ${SEGMENT_TYPES.join(', ')}` };
  }
  const context = objectOr(raw['context']);
  const distinctId = idString(raw['userId']) || idString(raw['anonymousId']);
  const properties = propertiesOf(type, raw, distinctId);
  const sentAt = timeMs(raw['sentAt']);
  const value = {
    uuid: idString(raw['messageId']) || derivedUuid(raw),
    event: eventName(type, raw),
    distinct_id: distinctId,
    session_id: sessionIdOf(raw, context, objectOr(raw['properties'])),
    timestamp: raw['originalTimestamp'] ?? raw['timestamp'] ?? undefined,
    properties,
  };
  return { index, value, hints: hintsOf(context, properties), ...(sentAt === undefined ? {} : { sentAt }) };
}
