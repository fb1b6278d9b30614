import {
  batchEnvelopeSchema,
  describeIssues,
  LIMITS,
  nativeEventSchema,
  type RejectedEvent,
  timestampToMs,
} from '@sightline/schema';
import { ApiError } from '../errors.js';
import type { EventRow } from '../storage/engine.js';
import { type IngestContext, normalizeNativeEvent } from './normalize.js';

export interface ValidatedBatch {
  rows: EventRow[];
  rejected: RejectedEvent[];
}

/** The envelope `{ api_key, batch, sent_at }`; anything else is not a batch. */
export function parseNativeEnvelope(body: unknown) {
  const parsed = batchEnvelopeSchema.safeParse(body);
  if (!parsed.success)
    throw new ApiError('invalid_batch', `body is not a batch: ${describeIssues(parsed.error)}`);
  if (parsed.data.batch.length > LIMITS.maxBatchEvents) {
    throw new ApiError(
      'too_many_events',
      `batch has ${parsed.data.batch.length} events; the limit is ${LIMITS.maxBatchEvents}`,
    );
  }
  const sentAt = parsed.data.sent_at === undefined ? undefined : timestampToMs(parsed.data.sent_at);
  return { apiKey: parsed.data.api_key, events: parsed.data.batch, sentAt };
}

/** Validates each event on its own: one bad event never costs the good ones. */
export function validateNativeEvents(events: readonly unknown[], ctx: IngestContext): ValidatedBatch {
  const rows: EventRow[] = [];
  const rejected: RejectedEvent[] = [];
  events.forEach((candidate, index) => {
    const parsed = nativeEventSchema.safeParse(candidate);
    if (!parsed.success) {
      rejected.push({ index, code: 'invalid_event', error: describeIssues(parsed.error) });
      return;
    }
    const normalized = normalizeNativeEvent(parsed.data, ctx);
    if (normalized.ok) rows.push(normalized.row);
    else rejected.push({ index, code: normalized.code, error: normalized.error });
  });
  return { rows, rejected };
}
