import { type CaptureResponse, LIMITS } from '@sightline/schema';
import { ApiError } from '../../errors.js';
import { decodeJsonBody } from '../../ingest/decode-body.js';
import { parseNativeEnvelope, validateNativeEvents } from '../../ingest/native-batch.js';
import { bearerToken, projectForCapture } from '../auth.js';
import type { Route } from '../context.js';
import { readBody } from '../read-body.js';
import { sendJson } from '../respond.js';

/** Content types a browser can send without a CORS preflight, plus JSON. Gzip is detected by magic bytes. */
const ACCEPTED_TYPES = new Set(['', 'application/json', 'text/plain', 'application/octet-stream']);

export function assertCaptureContentType(header: string | undefined): void {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.has(type)) {
    throw new ApiError(
      'unsupported_content_type',
      `content-type ${type} is not accepted; send application/json or text/plain (gzip allowed)`,
    );
  }
}

/** POST /v1/events: the native batch (DESIGN §5). Answers only after the events are committed. */
export const eventsRoute: Route = {
  method: 'POST',
  path: '/v1/events',
  async handler({ req, res, ctx }) {
    const receivedAt = Date.now();
    assertCaptureContentType(req.headers['content-type']);
    const body = await decodeJsonBody(await readBody(req, LIMITS.maxRequestBytes));
    const envelope = parseNativeEnvelope(body);
    const project = projectForCapture(ctx.projects, envelope.apiKey ?? bearerToken(req));
    const { rows, rejected } = validateNativeEvents(envelope.events, {
      projectId: project.id,
      receivedAt,
      sentAt: envelope.sentAt,
      userAgent: req.headers['user-agent'] ?? '',
    });
    if (rows.length === 0 && rejected.length > 0) {
      const tooLarge = rejected.find((r) => r.code === 'event_too_large');
      const first = rejected[0]!;
      const error = tooLarge
        ? new ApiError('event_too_large', `event ${tooLarge.index}: ${tooLarge.error}`)
        : new ApiError(
            'all_events_invalid',
            `no valid event in the batch; event ${first.index}: ${first.error}`,
          );
      sendJson(res, error.status, { ...error.toBody(), rejected });
      return;
    }
    const outcome = await ctx.committer.submit(rows);
    const response: CaptureResponse = { accepted: rows.length, duplicates: outcome.duplicates, rejected };
    sendJson(res, 200, response);
  },
};
