import { LIMITS } from '@sightline/schema';
import type { CaptureBody } from '../../ingest/decode-body.js';
import { assertBatchSize, type CandidateEvent } from '../../ingest/native-batch.js';
import { decodePostHogBody } from '../../ingest/posthog/decode.js';
import { type PostHogEnvelope, parsePostHogEnvelope } from '../../ingest/posthog/envelope.js';
import { isRecordingEvent, postHogCandidate } from '../../ingest/posthog/events.js';
import { countDroppedRecordings } from '../../ingest/posthog/recordings.js';
import { idString, isObject, timeMs } from '../../ingest/wire-values.js';
import { bearerToken, projectForCapture } from '../auth.js';
import { captureEvents } from '../capture.js';
import { assertCaptureContentType, contentTypeOf } from '../content-type.js';
import type { Route, RouteHandler, RouteRequest } from '../context.js';
import { readBody } from '../read-body.js';
import { sendJson } from '../respond.js';

/** PostHog clients post with and without the trailing slash. */
export function bothSlashes(path: string, method: Route['method'], handler: RouteHandler): Route[] {
  return [path, path.slice(0, -1)].map((p) => ({ method, path: p, handler }));
}

/** posthog-js resends on anything but a 200; the body only needs to be JSON. */
const POSTHOG_OK = { status: 'Ok' } as const;

async function readEnvelope({
  req,
  url,
}: RouteRequest): Promise<PostHogEnvelope & { cut: CaptureBody['cut'] }> {
  assertCaptureContentType(req.headers['content-type'], ['application/x-www-form-urlencoded']);
  const raw = await readBody(req, LIMITS.maxRequestBytes);
  const { body, cut } = await decodePostHogBody(
    raw,
    contentTypeOf(req.headers['content-type']),
    url.searchParams.get('compression'),
  );
  const envelope = parsePostHogEnvelope(body, url.searchParams.get('sent_at') ?? url.searchParams.get('_'));
  assertBatchSize(envelope.events.length);
  return { ...envelope, cut };
}

/** Splits recordings (counted, dropped) from the events to store. */
function candidatesOf(
  request: RouteRequest,
  events: readonly unknown[],
  receivedAt: number,
): CandidateEvent[] {
  const candidates: CandidateEvent[] = [];
  let recordings = 0;
  events.forEach((event, index) => {
    if (isRecordingEvent(event)) recordings++;
    else candidates.push(postHogCandidate(event, index, receivedAt));
  });
  countDroppedRecordings(request.ctx, recordings);
  return candidates;
}

/** POST /e/, /i/v0/e/, /batch/, /capture/: posthog-js and posthog-node (v0) capture. */
const capture: RouteHandler = async (request) => {
  const receivedAt = Date.now();
  const envelope = await readEnvelope(request);
  const key = envelope.apiKey ?? bearerToken(request.req);
  // Authenticate before counting recordings: unauthenticated requests must not move the counter.
  projectForCapture(request.ctx.projects, key);
  await captureEvents(
    request,
    {
      key,
      candidates: candidatesOf(request, envelope.events, receivedAt),
      sentAt: envelope.sentAt,
      receivedAt,
      cut: envelope.cut,
    },
    { answer: () => POSTHOG_OK },
  );
};

/** POST /s/: session recordings. Authenticated and counted, not stored (docs/API.md). */
const recordings: RouteHandler = async (request) => {
  const envelope = await readEnvelope(request);
  projectForCapture(request.ctx.projects, envelope.apiKey ?? bearerToken(request.req));
  countDroppedRecordings(request.ctx, envelope.events.length);
  sendJson(request.res, 200, { ...POSTHOG_OK, recording_events_dropped: envelope.events.length });
};

/**
 * POST /i/v1/analytics/events: posthog-node's capture v1 (`POSTHOG_CAPTURE_MODE=v1`), Bearer key,
 * `{ created_at, batch }`; it reads a per-uuid verdict (`ok` / `drop`) from a 200 body.
 */
const captureV1: RouteHandler = async (request) => {
  const receivedAt = Date.now();
  const { req } = request;
  const envelope = await readEnvelope(request);
  // The attempt's own send time: `created_at` stays the same across retries.
  const sentAt = timeMs(req.headers['posthog-request-timestamp']) ?? envelope.sentAt;
  const key = bearerToken(req) ?? envelope.apiKey;
  projectForCapture(request.ctx.projects, key);
  await captureEvents(
    request,
    {
      key,
      candidates: candidatesOf(request, envelope.events, receivedAt),
      sentAt,
      receivedAt,
      cut: envelope.cut,
    },
    {
      allInvalid: 'answer',
      answer: ({ rejected }) => {
        const dropped = new Map(rejected.map((r) => [r.index, r.error]));
        const results: Record<string, { result: 'ok' | 'drop'; details?: string }> = {};
        envelope.events.forEach((event, index) => {
          const uuid = isObject(event) ? idString(event['uuid']) : undefined;
          if (!uuid) return;
          const error = dropped.get(index);
          results[uuid] = error === undefined ? { result: 'ok' } : { result: 'drop', details: error };
        });
        return { results };
      },
    },
  );
};

export const posthogRoutes: readonly Route[] = [
  ...['/e/', '/i/v0/e/', '/batch/', '/capture/'].flatMap((path) => bothSlashes(path, 'POST', capture)),
  ...bothSlashes('/s/', 'POST', recordings),
  { method: 'POST', path: '/i/v1/analytics/events', handler: captureV1 },
];
