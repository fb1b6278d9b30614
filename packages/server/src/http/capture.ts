import { type CaptureResponse, DEFAULT_BOT_POLICY } from '@sightline/schema';
import { type CaptureCommand, captureBatch } from '../ingest/capture.js';
import { projectForCapture } from './auth.js';
import type { RouteRequest } from './context.js';
import { sendJson } from './respond.js';

/** What a capture route read from its request, in the shape every source shares. */
export interface CaptureInput extends Pick<CaptureCommand, 'candidates' | 'sentAt' | 'receivedAt' | 'cut'> {
  /** The public key the request carried, wherever its format keeps it. */
  key: string | undefined;
}

export interface CaptureOptions extends Pick<CaptureCommand, 'allInvalid'> {
  /** Extra fields a client expects in the 200 body (PostHog `status`, Segment `success`). */
  answer?: (result: CaptureResponse) => Record<string, unknown>;
}

/**
 * The HTTP side of capture: authenticate the key, hand the batch to the capture use case
 * (ingest/capture.ts) and write its result as JSON. A batch with no valid event answers its
 * error's status (400/413) with the per-event `rejected` list; otherwise 200 once committed.
 */
export async function captureEvents(
  { req, res, ctx }: RouteRequest,
  input: CaptureInput,
  options: CaptureOptions = {},
): Promise<void> {
  const project = projectForCapture(ctx.projects, input.key);
  const result = await captureBatch(
    {
      project,
      candidates: input.candidates,
      sentAt: input.sentAt,
      receivedAt: input.receivedAt,
      cut: input.cut,
      userAgent: req.headers['user-agent'] ?? '',
      country: ctx.geo.countryOf(req),
      bots: ctx.settings.keySettingsFor(project.id).bots ?? DEFAULT_BOT_POLICY,
      ...(options.allInvalid ? { allInvalid: options.allInvalid } : {}),
    },
    ctx.committer,
  );
  if (!result.ok) {
    sendJson(res, result.error.status, { ...result.error.toBody(), rejected: result.rejected });
    return;
  }
  sendJson(res, 200, { ...options.answer?.(result.response), ...result.response });
}
