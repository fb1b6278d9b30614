import {
  batchEnvelopeSchema,
  DEFAULT_BOT_POLICY,
  describeIssues,
  LIMITS,
  nativeEventSchema,
  type RejectedEvent,
  timestampToMs,
} from '@sightline/schema';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import type { EventRow } from '../storage/engine.js';
import { unstorableValue } from './event-values.js';
import type { EventCut } from './json-scan.js';
import { type ColumnHints, type IngestContext, normalizeNativeEvent } from './normalize.js';

/**
 * The wire schemas with zod's compiled fast path (`z.compile`): the same schemas, so the same
 * answers — a value the fast path does not accept is parsed again by the runtime parser, whose
 * issues name the refusal — at about half the CPU (measured on the bench's events: 2.2 → 1.1 µs
 * an event; before, validation cost the HTTP thread more than the body's JSON.parse).
 */
const eventSchema = z.compile(nativeEventSchema);
const envelopeSchema = z.compile(batchEnvelopeSchema);

export interface ValidatedBatch {
  rows: EventRow[];
  /** The request's index of each row (rows[i] came from event indexes[i]). */
  indexes: number[];
  rejected: RejectedEvent[];
  /** Valid events a bot sent, left out of `rows` (the `drop` policy): counted, never stored. */
  droppedBots: number;
}

/** The envelope `{ api_key, batch, sent_at }`; anything else is not a batch. */
export function parseNativeEnvelope(body: unknown) {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success)
    throw new ApiError('invalid_batch', `body is not a batch: ${describeIssues(parsed.error)}`);
  assertBatchSize(parsed.data.batch.length);
  const sentAt = parsed.data.sent_at === undefined ? undefined : timestampToMs(parsed.data.sent_at);
  return { apiKey: parsed.data.api_key, events: parsed.data.batch, sentAt };
}

export function assertBatchSize(count: number): void {
  if (count > LIMITS.maxBatchEvents) {
    throw new ApiError('too_many_events', `batch has ${count} events; the limit is ${LIMITS.maxBatchEvents}`);
  }
}

/**
 * One event to validate: a native-shaped value (PostHog and Segment adapters translate theirs
 * into this shape first, so every source passes the same checks and normalisation).
 */
export interface CandidateEvent {
  /** Position in the request's batch, for `rejected`. */
  index: number;
  value: unknown;
  hints?: ColumnHints;
  /** Overrides the batch's `sent_at` for this event (`null`: no skew correction). */
  sentAt?: number | null;
  /** Set when the adapter already knows the event is invalid (e.g. an unknown Segment type). */
  rejection?: string;
}

/** What every capture path knows about a request besides its events. */
export interface CandidateContext extends IngestContext {
  /** Events refused before parsing (json-scan.ts), by index. */
  cut?: ReadonlyMap<number, EventCut>;
}

/** Validates each event on its own: one bad event never costs the good ones. */
export function validateCandidates(
  candidates: readonly CandidateEvent[],
  { cut, ...ctx }: CandidateContext,
): ValidatedBatch {
  const rows: EventRow[] = [];
  const indexes: number[] = [];
  const rejected: RejectedEvent[] = [];
  const dropBots = (ctx.bots ?? DEFAULT_BOT_POLICY) === 'drop';
  let droppedBots = 0;
  for (const { index, value, hints, sentAt, rejection } of candidates) {
    const refused = cut?.get(index);
    if (refused) {
      rejected.push({ index, ...refused });
      continue;
    }
    if (rejection !== undefined) {
      rejected.push({ index, code: 'invalid_event', error: rejection });
      continue;
    }
    const unstorable = unstorableValue(value);
    if (unstorable) {
      rejected.push({ index, ...unstorable });
      continue;
    }
    const parsed = eventSchema.safeParse(value);
    if (!parsed.success) {
      rejected.push({ index, code: 'invalid_event', error: describeIssues(parsed.error) });
      continue;
    }
    const eventCtx: IngestContext = sentAt === undefined ? ctx : { ...ctx, sentAt: sentAt ?? undefined };
    const normalized = normalizeNativeEvent(parsed.data, eventCtx, hints);
    if (!normalized.ok) rejected.push({ index, code: normalized.code, error: normalized.error });
    else if (normalized.bot && dropBots) droppedBots++;
    else {
      rows.push(normalized.row);
      indexes.push(index);
    }
  }
  return { rows, indexes, rejected, droppedBots };
}
