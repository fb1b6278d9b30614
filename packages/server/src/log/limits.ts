import { definedOnly, positiveIntegerFromEnv } from '../env.js';

/**
 * A new segment starts once the current one passes this size. 64 MiB: at the durable reference's
 * ~150k events/s (~60 MB/s) a roll (a file created and its directory synced) happens about once
 * a second, a cost lost in the noise; open scans only the last segment for a torn tail, which
 * takes well under a second at this size; and a consumed segment frees its space promptly.
 */
export const DEFAULT_LOG_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Consumed segments are kept this long for replay (by the time of their last append). 0: removed
 * as soon as every consumer has passed them; an operator who wants to replay sets a window.
 */
export const DEFAULT_LOG_RETENTION_MS = 0;

/**
 * Largest record. A framed length above it is garbage (a torn or corrupt header), recognised
 * without reading past it. 32 MiB holds a whole decoded request (LIMITS.maxRequestBytes, 20 MiB),
 * should capture ever log requests rather than events.
 */
export const DEFAULT_LOG_MAX_RECORD_BYTES = 32 * 1024 * 1024;

/**
 * How long the processor waits for company after a round that found less than a full batch (the
 * loader has its own cadence: storage/duckdb/loader-cadence.ts). Each round costs a database
 * transaction and fsync whatever its size:
 * one per single-event request would cost ~1 ms of CPU per event (measured: bench/ingest.ts,
 * one-event requests), while 20 ms is a small share of the 250 ms lag budget.
 */
export const CONSUMER_LINGER_MS = 20;

export interface LogLimits {
  segmentBytes: number;
  retentionMs: number;
  maxRecordBytes: number;
}

export const DEFAULT_LOG_LIMITS: Readonly<LogLimits> = {
  segmentBytes: DEFAULT_LOG_SEGMENT_BYTES,
  retentionMs: DEFAULT_LOG_RETENTION_MS,
  maxRecordBytes: DEFAULT_LOG_MAX_RECORD_BYTES,
};

/** A non-negative integer from the environment (0 allowed: no retention window); unset → undefined. */
function nonNegativeIntegerFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (text === '0') return 0;
  return positiveIntegerFromEnv(env, name);
}

/** The operator's overrides: SIGHTLINE_LOG_SEGMENT_BYTES (positive), SIGHTLINE_LOG_RETENTION_MS (≥ 0). */
export function logLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<LogLimits> {
  return definedOnly({
    segmentBytes: positiveIntegerFromEnv(env, 'SIGHTLINE_LOG_SEGMENT_BYTES'),
    retentionMs: nonNegativeIntegerFromEnv(env, 'SIGHTLINE_LOG_RETENTION_MS'),
    maxRecordBytes: undefined,
  });
}
