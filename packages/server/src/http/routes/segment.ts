import { LIMITS } from '@sightline/schema';
import { decodeCaptureBody } from '../../ingest/decode-body.js';
import { assertBatchSize } from '../../ingest/native-batch.js';
import { parseSegmentBody, SEGMENT_TYPES, type SegmentType } from '../../ingest/segment/envelope.js';
import { segmentCandidate } from '../../ingest/segment/messages.js';
import { basicAuthUser, bearerToken } from '../auth.js';
import { captureEvents } from '../capture.js';
import { assertCaptureContentType } from '../content-type.js';
import type { Route, RouteHandler } from '../context.js';
import { readBody } from '../read-body.js';

/**
 * Segment's tracking API: the write key is the project's public key, as the Basic-auth user
 * (what analytics-node and the HTTP API docs use), `writeKey` in the body, or a Bearer header.
 */
function segmentHandler(routeType: SegmentType | 'batch'): RouteHandler {
  return async (request) => {
    const { req } = request;
    const receivedAt = Date.now();
    assertCaptureContentType(req.headers['content-type']);
    const { body, cut } = await decodeCaptureBody(await readBody(req, LIMITS.maxRequestBytes));
    const envelope = parseSegmentBody(body, routeType);
    assertBatchSize(envelope.messages.length);
    await captureEvents(
      request,
      {
        key: basicAuthUser(req) ?? envelope.writeKey ?? bearerToken(req),
        candidates: envelope.messages.map(segmentCandidate),
        sentAt: envelope.sentAt,
        receivedAt,
        cut,
      },
      { answer: () => ({ success: true }) },
    );
  };
}

/**
 * The documented paths, plus the one-letter ones the browser's analytics.js (analytics-next)
 * posts to (`/v1/t`, `/v1/p`, …, `/v1/b` for its batches) with `writeKey` in a text/plain body.
 */
export const segmentRoutes: readonly Route[] = [
  ...['/v1/batch', '/v1/b'].map(
    (path): Route => ({ method: 'POST', path, handler: segmentHandler('batch') }),
  ),
  ...SEGMENT_TYPES.flatMap((type): Route[] =>
    [`/v1/${type}`, `/v1/${type[0]}`].map((path) => ({
      method: 'POST',
      path,
      handler: segmentHandler(type),
    })),
  ),
];
