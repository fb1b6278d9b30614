/**
 * The event log: capture acknowledges an event once it is here (appended and fsync'd); the loader
 * and the stream processor then read it at their own pace, each from its own offset.
 *
 * Threads: one `EventLog` per data directory, owned by the thread that appends (the HTTP thread).
 * Its I/O is asynchronous (the libuv pool does the writes and syncs), so appends never block that
 * thread. `read` on the same instance is for consumers running on that thread in its idle time; a
 * consumer on a worker thread opens its own reader over the same directory instead (the file
 * implementation shares how far the log is durable with it: file/durable-end.ts), so reading and
 * decoding never cost the HTTP thread.
 */

/** A record's position: dense, increasing by one per record from 0, kept across restarts and segment removal. */
export type LogOffset = number;

/** The offsets given to one `append` call's records, first and last inclusive. */
export interface AppendResult {
  first: LogOffset;
  last: LogOffset;
  /**
   * Records the log already held under the same id (`AppendOptions.ids`), stored once: absent
   * when none. Their offsets are the stored ones, so first..last may then span other records.
   */
  duplicates?: number;
}

export interface AppendOptions {
  /**
   * An idempotency key per record (capture: project and uuid). A log shared by several writers
   * (NATS: any node may take a client's retry) stores a record whose id it saw within its
   * duplicate window once. The file log, whose one writer dedupes before appending, ignores it.
   */
  ids?: readonly string[];
}

export interface LogRecord {
  offset: LogOffset;
  data: Buffer;
}

export interface ReadLimits {
  /** At most this many records (≥ 1). */
  maxRecords: number;
  /** Stop before the record that would pass this many payload bytes (the first record is always returned). */
  maxBytes?: number;
}

/** The records the log holds: [start, end). `end` is the offset the next append gets. */
export interface LogBounds {
  start: LogOffset;
  end: LogOffset;
}

/** Counters for tests, benchmarks and /metrics. */
export interface LogStats {
  /** `append` calls acknowledged. */
  appends: number;
  /** Records acknowledged. */
  records: number;
  /** Durability syncs (fdatasync) completed: group commit makes this far fewer than `appends` under load. */
  syncs: number;
  /** Payload + framing bytes acknowledged. */
  bytes: number;
  /** Groups whose write or sync failed (each of their appends was rejected). */
  failedWrites: number;
  /** Segments removed because every consumer had passed them. */
  removedSegments: number;
}

/** The counters of a log just opened (they count from the open). */
export function zeroLogStats(): LogStats {
  return { appends: 0, records: 0, syncs: 0, bytes: 0, failedWrites: 0, removedSegments: 0 };
}

/**
 * The release rules every log's consumers keep (LogConsumers.release): only a registered consumer
 * releases, never past the log's end, and a position never moves back. Says whether `next` moves
 * the position `current` (a consumer's, undefined: not registered).
 */
export function releaseMoves(
  name: string,
  current: LogOffset | undefined,
  next: LogOffset,
  end: LogOffset,
): boolean {
  if (current === undefined) throw new Error(`event log consumer "${name}" is not registered`);
  if (!Number.isSafeInteger(next) || next > end)
    throw new RangeError(`event log consumer "${name}" released ${next}, past the log's end ${end}`);
  return next > current;
}

/**
 * Consumers that hold records back from removal. A consumer keeps its position in its own store
 * (the loader beside the rows it loaded, in the same transaction; the processor with its
 * checkpoint) and tells the log how far it is with `release`; the log keeps the latest release
 * durably too, so a consumer without a store of its own can resume from `position`.
 */
export interface LogConsumers {
  /**
   * Registers `name` (idempotent, durable): from now on nothing it has not released is removed.
   * A new consumer starts at the log's start; resolves with its position (the next offset it needs).
   */
  register(name: string): Promise<LogOffset>;
  /** Forgets a consumer for good (durable): it no longer holds anything back. */
  unregister(name: string): Promise<void>;
  /**
   * `name` has durably handled every record before `next`: segments every consumer has passed
   * (and older than the retention window) may go. Positions only move forward; an older `next`
   * is ignored. Call it after each commit or every few hundred ms, not per record (each call
   * writes a small file and syncs it).
   */
  release(name: string, next: LogOffset): Promise<void>;
  /** The registered consumers and their released positions. */
  positions(): ReadonlyMap<string, LogOffset>;
}

export interface EventLog {
  /**
   * Appends records (strings are written as UTF-8) and resolves once they are durable. Appends
   * that arrive while a sync runs go together in the next one (group commit). Rejects with a
   * `LogWriteError` (disk full, I/O error) when they could not be made durable: then none of them
   * is in the log and later appends go on once the disk lets them.
   */
  append(records: readonly Buffer[] | readonly string[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Records from `from` on, in offset order, only acknowledged ones (never past `bounds().end`).
   * Empty at the end of the log; `LogOffsetRemovedError` when `from` was removed already.
   */
  read(from: LogOffset, limits: ReadLimits): Promise<LogRecord[]>;
  /** Resolves once the log's end is past `offset` (a record at `offset` can be read), or the signal aborts. */
  waitFor(offset: LogOffset, signal?: AbortSignal): Promise<void>;
  bounds(): LogBounds;
  readonly consumers: LogConsumers;
  stats(): LogStats;
  /** Waits for appends already started, then closes files; later calls reject with `LogClosedError`. */
  close(): Promise<void>;
}
