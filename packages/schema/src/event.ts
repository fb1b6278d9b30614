import { z } from 'zod';
import { jsonDepthExceeds } from './json-depth.js';
import { LIMITS } from './limits.js';

const id = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(LIMITS.maxIdLength, `${what} must be at most ${LIMITS.maxIdLength} characters`);

/** ms since epoch, or an ISO-8601 date-time with offset. */
export const timestampSchema = z.union(
  [
    z.number().finite().nonnegative(),
    z.iso.datetime({ offset: true, error: 'timestamp must be ms since epoch or an ISO-8601 date-time' }),
  ],
  { error: 'timestamp must be ms since epoch or an ISO-8601 date-time' },
);

export const propertiesSchema = z
  .record(z.string(), z.unknown(), { error: 'properties must be an object' })
  .refine((p) => !jsonDepthExceeds(p, LIMITS.maxPropertyDepth), {
    error: `properties nest deeper than ${LIMITS.maxPropertyDepth} levels`,
  });

/** A native event on the wire (docs/API.md, `POST /v1/events`). */
export const nativeEventSchema = z.object({
  uuid: id('uuid'),
  event: z
    .string({ error: 'event must be a string' })
    .min(1, 'event must not be empty')
    .max(LIMITS.maxEventNameLength, `event must be at most ${LIMITS.maxEventNameLength} characters`),
  timestamp: timestampSchema.optional(),
  distinct_id: id('distinct_id'),
  session_id: z
    .string()
    .max(LIMITS.maxIdLength, `session_id must be at most ${LIMITS.maxIdLength} characters`)
    .optional(),
  properties: propertiesSchema.optional(),
});

export type NativeEvent = z.infer<typeof nativeEventSchema>;

/** The batch envelope: `{ api_key, batch: [...], sent_at }`. Events are validated one by one afterwards. */
export const batchEnvelopeSchema = z.object({
  api_key: z.string().optional(),
  batch: z.array(z.unknown(), { error: 'batch must be an array of events' }),
  sent_at: timestampSchema.optional(),
});

export type BatchEnvelope = z.infer<typeof batchEnvelopeSchema>;

/** A wire timestamp as ms since epoch. */
export function timestampToMs(value: number | string): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/** One readable line for a failed zod parse: `field: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
