import { ApiError } from '../../errors.js';
import { isObject, stringOr, timeMs } from '../wire-values.js';

export interface PostHogEnvelope {
  apiKey: string | undefined;
  events: unknown[];
  /** When the client sent the request (ms), for clock-skew correction. */
  sentAt: number | undefined;
}

/** The project token of an event: top-level `api_key` / `token`, or `properties.token` (posthog-js). */
function tokenOf(event: unknown): string | undefined {
  if (!isObject(event)) return undefined;
  const properties = isObject(event['properties']) ? event['properties'] : {};
  return stringOr(event['api_key']) ?? stringOr(event['token']) ?? stringOr(properties['token']);
}

/**
 * The shapes PostHog clients post: the batch envelope `{ api_key, batch, sent_at }` (posthog-js,
 * posthog-node), the v1 envelope `{ created_at, batch }`, a single event object, or a bare array.
 * `sentAtParam` is the `?_=`/`?sent_at=` query value older clients put in the URL.
 */
export function parsePostHogEnvelope(body: unknown, sentAtParam: string | null): PostHogEnvelope {
  let events: unknown[];
  let envelope: Record<string, unknown> = {};
  if (Array.isArray(body)) events = body;
  else if (isObject(body) && Array.isArray(body['batch'])) {
    envelope = body;
    events = body['batch'];
  } else if (isObject(body) && 'event' in body) events = [body];
  else {
    throw new ApiError(
      'invalid_batch',
      'body is not a PostHog payload: send { api_key, batch: [...] }, one event, or an array of events',
    );
  }
  return {
    apiKey: stringOr(envelope['api_key']) ?? stringOr(envelope['token']) ?? tokenOf(events[0]),
    events,
    sentAt: timeMs(envelope['sent_at']) ?? timeMs(envelope['created_at']) ?? timeMs(sentAtParam),
  };
}
