import {
  batchEnvelopeSchema,
  describeIssues,
  LIMITS,
  nativeEventSchema,
  type RejectedEvent,
} from '@sightline/schema';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { parseNativeEnvelope, validateCandidates } from '../../src/ingest/native-batch.js';
import { type IngestContext, normalizeNativeEvent } from '../../src/ingest/normalize.js';
import type { EventRow } from '../../src/storage/engine.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const ctx: IngestContext = {
  projectId: 'p1',
  receivedAt: NOW,
  sentAt: NOW - 5_000,
  userAgent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  country: 'DE',
  bots: 'flag',
};
const deep = (levels: number): unknown => (levels === 0 ? 1 : { a: deep(levels - 1) });
const base = { uuid: 'u-1', event: 'page_view', distinct_id: 'd-1' };
const long = 'x'.repeat(LIMITS.maxIdLength + 1);

/** Events for every rule of the native event schema (packages/schema/src/event.ts), good and bad. */
const corpus: unknown[] = [
  base,
  {
    ...base,
    timestamp: NOW - 60_000,
    session_id: 's',
    properties: { url: 'https://a.test/x?y=1', n: [1, { b: null }] },
  },
  {
    ...base,
    timestamp: new Date(NOW - 1_000).toISOString(),
    extra: 'dropped',
    properties: { 10: 'a', b: 2, 2: 'c' },
  },
  { ...base, timestamp: '2026-01-15T11:00:00+02:00' },
  { ...base, properties: deep(LIMITS.maxPropertyDepth) as object },
  { ...base, properties: deep(LIMITS.maxPropertyDepth + 1) as object },
  { ...base, properties: [] },
  { ...base, properties: null },
  { ...base, properties: 'text' },
  { ...base, timestamp: -1 },
  { ...base, timestamp: '2026-01-15 11:00' },
  { ...base, timestamp: '2026-01-15T11:00:00' },
  { ...base, timestamp: true },
  { ...base, session_id: 7 },
  { ...base, session_id: long },
  { ...base, uuid: '' },
  { ...base, uuid: long },
  { ...base, uuid: 12 },
  { ...base, event: '' },
  { ...base, event: 'e'.repeat(LIMITS.maxEventNameLength + 1) },
  { ...base, distinct_id: null },
  { event: 'x' },
  {},
  { uuid: 1, event: 2, distinct_id: 3, timestamp: 'no', session_id: 4, properties: 5 },
  [],
  null,
  'event',
  42,
];

/** What capture answered before its schema was compiled: zod's runtime parser, then normalisation. */
function reference(events: readonly unknown[]) {
  const rows: EventRow[] = [];
  const rejected: RejectedEvent[] = [];
  events.forEach((value, index) => {
    const parsed = nativeEventSchema.safeParse(value);
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

describe('native event validation', () => {
  it('refuses and stores exactly what the schema’s runtime parser does, with the same messages', () => {
    // Twice: the compiled fast path is built on first use.
    for (let round = 0; round < 2; round++) {
      const validated = validateCandidates(
        corpus.map((value, index) => ({ index, value })),
        ctx,
      );
      const expected = reference(corpus);
      expect(validated.rejected).toEqual(expected.rejected);
      expect(validated.rows).toEqual(expected.rows);
      // Stored bytes: the properties text keeps the sent key order.
      expect(validated.rows.map((r) => r.properties)).toEqual(expected.rows.map((r) => r.properties));
    }
    // The corpus does reach both outcomes, for several different reasons.
    const { rejected } = reference(corpus);
    expect(rejected.length).toBeGreaterThan(15);
    expect(new Set(rejected.map((r) => r.error)).size).toBeGreaterThan(15);
  });

  it('refuses an envelope with the runtime parser’s message', () => {
    const bodies: unknown[] = [
      null,
      [],
      'batch',
      {},
      { batch: {} },
      { api_key: 1, batch: [] },
      { batch: [], sent_at: 'yesterday' },
    ];
    for (const body of bodies) {
      const runtime = batchEnvelopeSchema.safeParse(body);
      expect(runtime.success).toBe(false);
      const message = runtime.success ? '' : `body is not a batch: ${describeIssues(runtime.error)}`;
      expect(() => parseNativeEnvelope(body)).toThrow(new ApiError('invalid_batch', message));
    }
    expect(parseNativeEnvelope({ api_key: 'k', batch: [1], sent_at: NOW, other: true })).toEqual({
      apiKey: 'k',
      events: [1],
      sentAt: NOW,
    });
  });
});
