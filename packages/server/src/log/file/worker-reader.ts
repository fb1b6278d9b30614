import type { LogOffset, LogRecord, ReadLimits } from '../event-log.js';
import { DEFAULT_LOG_LIMITS } from '../limits.js';
import { DurableEnd } from './durable-end.js';
import { eventLogDir, listSegmentBases } from './segment-files.js';
import { SegmentReader } from './segment-reader.js';

/** What a consumer on another thread needs from the appending thread (structured-clonable). */
export interface LogReaderHandoff {
  dataDir: string;
  /** FileEventLog.durableEnd.shared */
  durableEnd: SharedArrayBuffer;
  maxRecordBytes?: number;
}

/** A consumer's view of the log from a worker thread: reads and waits, never appends. */
export interface LogReader {
  read(from: LogOffset, limits: ReadLimits): Promise<LogRecord[]>;
  waitFor(offset: LogOffset, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /** The largest record the log holds (log/limits.ts). */
  readonly maxRecordBytes: number;
}

/**
 * Opens a reader over the same segment files as the appending thread's log. The durable end comes
 * through shared memory; segments are listed from the directory when a read needs one it has not
 * seen (a roll) — consumers registered with the log never have their segments removed under them.
 */
export function openLogReader(handoff: LogReaderHandoff): LogReader {
  const dir = eventLogDir(handoff.dataDir);
  const durableEnd = new DurableEnd(handoff.durableEnd);
  const maxRecordBytes = handoff.maxRecordBytes ?? DEFAULT_LOG_LIMITS.maxRecordBytes;
  const reader = new SegmentReader(
    dir,
    maxRecordBytes,
    () => durableEnd.get(),
    () => listSegmentBases(dir),
  );
  return {
    read: (from, limits) => reader.read(from, limits),
    waitFor: (offset, signal) => durableEnd.waitPastShared(offset, signal),
    close: () => reader.close(),
    maxRecordBytes,
  };
}
