import type { LogOffset } from '../log/event-log.js';
import type { LogReaderHandoff } from '../log/file/worker-reader.js';

/**
 * Records per load transaction. Measured (bench/loader-paths.ts): the Appender's cost per row is
 * flat from 1k rows on, and a 10k-row commit takes ~90 ms, so the loader stays within a few
 * hundred ms of the log at any rate it can sustain, while each commit's fixed cost is shared.
 */
export const DEFAULT_LOADER_BATCH = 10_000;

/**
 * When the loader takes its next batch (DuckDB: duckdb/loader-cadence.ts): the oldest waiting
 * record is held at most `lingerMs` for company, and a batch goes at once when `fullBatch` wait.
 */
export interface LoaderCadence {
  lingerMs: number;
  fullBatch: number;
}

/** What the HTTP thread hands the engine to start its loader (structured-clonable: it crosses threads). */
export interface LogLoaderArgs {
  log: LogReaderHandoff;
  /** Where the loaded position is published: a DurableEnd cell (log/file/durable-end.ts) the HTTP thread reads and waits on. */
  loaded: SharedArrayBuffer;
  /**
   * The end a waiting read needs loaded (read-your-acks), a DurableEnd cell the HTTP thread raises:
   * while it is past the loader's position, a lingering loader loads at once. Absent: no reads wait.
   */
  readsWaitFor?: SharedArrayBuffer;
  /** Where to start when this database never loaded anything (the log's start when it was created). */
  from: LogOffset;
  /** Records per transaction. */
  maxRecords: number;
  /** When to take a batch; the engine's default unless a bench varies it. */
  cadence?: LoaderCadence;
}

/**
 * An engine that loads the event log itself, off the HTTP thread (DuckDB: on its database
 * thread). Capture then acknowledges on the log and checks duplicates against `eventFingerprints`
 * plus what it appended since (ingest/log-committer.ts).
 */
export interface EventLogLoading {
  startLogLoader(args: LogLoaderArgs): Promise<void>;
  /** Every stored event's (fp_hi, fp_lo): event-dedupe.ts. */
  eventFingerprints(): Promise<{ hi: Uint32Array; lo: Uint32Array }>;
  /**
   * An append to the log failed (`disk_full` or `io_error`). The log lives beside the database, so
   * the engine's health judges it as its own failure: 503 until its recovery (which, after a full
   * disk, waits for real room) finds the disk usable again.
   */
  reportLogFailure(failure: 'disk_full' | 'io_error', error: Error): void;
}
