import { LIMITS } from '@sightline/schema';
import { decodeCaptureBody } from '../../ingest/decode-body.js';
import { parseNativeEnvelope } from '../../ingest/native-batch.js';
import { bearerToken } from '../auth.js';
import { captureEvents } from '../capture.js';
import { assertCaptureContentType } from '../content-type.js';
import type { Route } from '../context.js';
import { readBody } from '../read-body.js';

/** POST /v1/events: the native batch (docs/API.md). Answers only after the events are committed. */
export const eventsRoute: Route = {
  method: 'POST',
  path: '/v1/events',
  async handler(request) {
    const { req } = request;
    const receivedAt = Date.now();
    assertCaptureContentType(req.headers['content-type']);
    const { body, cut } = await decodeCaptureBody(await readBody(req, LIMITS.maxRequestBytes));
    const envelope = parseNativeEnvelope(body);
    await captureEvents(request, {
      key: envelope.apiKey ?? bearerToken(req),
      candidates: envelope.events.map((value, index) => ({ index, value })),
      sentAt: envelope.sentAt,
      receivedAt,
      cut,
    });
  },
};
