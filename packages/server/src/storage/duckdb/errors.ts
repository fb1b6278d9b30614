import type { StorageErrorKind } from '../engine.js';
import { errorText, StorageUnavailableError } from '../engine-health.js';
import { WorkerGoneError } from './worker-client.js';

/** The reason given for a full disk (recovery then also waits for free space: supervised-worker.ts). */
export const DISK_FULL = 'disk full';

/**
 * What DuckDB says when the store itself failed, by its error types ("IO Error: …") and the
 * operating system's words. DuckDB wraps a failed commit ("TransactionContext Error: Failed to
 * commit: Could not write file …: No space left on device"), so the whole text is searched.
 * Everything else (Conversion, Out of Range, Constraint, Binder, Parser, Interrupt…) is about the
 * call: its rows, its SQL or its cancellation.
 */
const STORAGE_FAILURES: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  { pattern: /No space left on device|Disk quota exceeded/i, reason: DISK_FULL },
  { pattern: /database has been invalidated/i, reason: 'database invalidated' },
  { pattern: /\bOut of Memory Error\b|Cannot allocate memory/i, reason: 'out of memory' },
  { pattern: /\bFATAL Error\b|\bINTERNAL Error\b/i, reason: 'database failed' },
  {
    pattern:
      /\bIO Error\b|Could not (write|read|open|create|truncate|sync|fsync|seek|move|remove|set lock)|Read-only file system|Input\/output error/i,
    reason: 'I/O error',
  },
];

/** Errors after which this database instance is unusable for good: only a reopen helps. */
const BROKEN_INSTANCE = /database has been invalidated|\bFATAL Error\b|\bINTERNAL Error\b/i;

/** `storage` when DuckDB (or its thread) failed, `data` when the call itself was at fault. */
export function classifyStorageError(error: unknown): StorageErrorKind {
  if (error instanceof StorageUnavailableError || error instanceof WorkerGoneError) return 'storage';
  const text = errorText(error);
  return STORAGE_FAILURES.some((f) => f.pattern.test(text)) ? 'storage' : 'data';
}

/** A few words on a storage failure, safe to show anyone (the full message goes to the log). */
export function storageFailureReason(error: unknown): string {
  if (error instanceof WorkerGoneError) return 'database thread stopped';
  const text = errorText(error);
  return STORAGE_FAILURES.find((f) => f.pattern.test(text))?.reason ?? 'storage failure';
}

/** The thread is gone or DuckDB invalidated the database: close what is left and open it again. */
export function needsReopen(error: unknown): boolean {
  return error instanceof WorkerGoneError || BROKEN_INSTANCE.test(errorText(error));
}

/**
 * A read that ran out of memory asked too much of it (query budgets are the answer); the store
 * still works for everyone else. A write that does means the store cannot take writes.
 */
export function isOutOfMemory(error: unknown): boolean {
  return /\bOut of Memory Error\b/i.test(errorText(error));
}
