import type { LogOffset } from './event-log.js';

/**
 * Why an append could not be made durable. `disk_full` (ENOSPC, EDQUOT) clears once space
 * returns; `io_error` is anything else the disk said (EIO, EROFS…). Either way none of the
 * append's records is in the log, so capture answers 503 and the client retries.
 */
export type LogWriteFailure = 'disk_full' | 'io_error';

export class LogWriteError extends Error {
  override readonly name = 'LogWriteError';
  readonly reason: LogWriteFailure;
  /** The errno code the disk answered (ENOSPC, EIO…), when there was one. */
  readonly errno: string | undefined;
  constructor(cause: unknown) {
    const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason: LogWriteFailure = errno === 'ENOSPC' || errno === 'EDQUOT' ? 'disk_full' : 'io_error';
    super(`event log write failed (${reason}): ${(cause as Error | undefined)?.message ?? String(cause)}`, {
      cause,
    });
    this.reason = reason;
    this.errno = errno;
  }
}

export class LogClosedError extends Error {
  override readonly name = 'LogClosedError';
  constructor() {
    super('the event log is closed');
  }
}

/** A record larger than the log takes (a programming error: capture bounds what it appends). */
export class LogRecordTooLargeError extends Error {
  override readonly name = 'LogRecordTooLargeError';
  constructor(bytes: number, max: number) {
    super(`an event log record of ${bytes} bytes is over the ${max}-byte limit`);
  }
}

/** A read from before the log's start: those records were removed (the reader was not a registered consumer). */
export class LogOffsetRemovedError extends Error {
  override readonly name = 'LogOffsetRemovedError';
  constructor(
    readonly offset: LogOffset,
    readonly start: LogOffset,
  ) {
    super(`event log offset ${offset} was removed: the log starts at ${start}`);
  }
}

/**
 * Acknowledged bytes that fail their checksum: the disk corrupted data it had confirmed. Never
 * repaired silently (only the unacknowledged tail of the last segment is cut at open).
 */
export class LogCorruptionError extends Error {
  override readonly name = 'LogCorruptionError';
  constructor(file: string, position: number, why: string) {
    super(`event log segment ${file} is corrupt at byte ${position}: ${why}`);
  }
}
