import type { CaptureResponse } from '@sightline/schema';
import { ApiError } from '../errors.js';
import type { EventCut } from '../ingest/json-scan.js';
import { assertBatchSize, type CandidateEvent, validateCandidates } from '../ingest/native-batch.js';
import { projectForCapture } from './auth.js';
import type { RouteRequest } from './context.js';
import { sendJson } from './respond.js';

export interface CaptureInput {
  /** The public key the request carried, wherever its format keeps it. */
  key: string | undefined;
  candidates: readonly CandidateEvent[];
  /** The batch's send time (ms), for clock-skew correction. */
  sentAt: number | undefined;
  /** Server clock when the request arrived (ms). */
  receivedAt: number;
  /** Events refused while the body was scanned, by index (json-scan.ts). */
  cut?: ReadonlyMap<number, EventCut>;
}

export interface CaptureOptions {
  /** Extra fields a client expects in the 200 body (PostHog `status`, Segment `success`). */
  answer?: (result: CaptureResponse) => Record<string, unknown>;
  /**
   * A batch without one valid event: `error` answers 400/413 (native, PostHog v0, Segment: none of
   * them retries a 4xx); `answer` still answers 200 (PostHog v1 reads per-event drops from the body).
   */
  allInvalid?: 'error' | 'answer';
}

/**
 * The capture path every source shares: authenticate, validate and normalise each event on its
 * own, commit through the group committer and answer 200 only once the rows are durable.
 */
export async function captureEvents(
  { req, res, ctx }: RouteRequest,
  input: CaptureInput,
  options: CaptureOptions = {},
): Promise<void> {
  const project = projectForCapture(ctx.projects, input.key);
  assertBatchSize(input.candidates.length);
  const { rows, indexes, rejected } = validateCandidates(input.candidates, {
    projectId: project.id,
    receivedAt: input.receivedAt,
    sentAt: input.sentAt,
    userAgent: req.headers['user-agent'] ?? '',
    ...(input.cut ? { cut: input.cut } : {}),
  });
  if (rows.length === 0 && rejected.length > 0 && options.allInvalid !== 'answer') {
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
  for (const { row, error } of outcome.refused) {
    rejected.push({ index: indexes[row]!, code: 'storage_rejected', error: `not stored: ${error}` });
  }
  if (outcome.refused.length > 0) rejected.sort((a, b) => a.index - b.index);
  const result: CaptureResponse = {
    accepted: rows.length - outcome.refused.length,
    duplicates: outcome.duplicates,
    rejected,
  };
  sendJson(res, 200, { ...options.answer?.(result), ...result });
}
