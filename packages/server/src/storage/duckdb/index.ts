import type { SqlFragment } from '../../sql/sql.js';
import type {
  EngineHealth,
  EventRow,
  ExportRange,
  InsertResult,
  QueryOptions,
  QueryRow,
  RecordStorage,
  SessionRollupCapability,
  StorageEngine,
  StorageErrorKind,
  StoredEvent,
} from '../engine.js';
import type { RecoveryOptions } from '../engine-health.js';
import type { EventLogLoading } from '../log-loading.js';
import { DelegatingRecordStorage, type RecordMethod } from '../records/delegating-record-storage.js';
import { toColumns } from './columns.js';
import { duckdbDialect } from './dialect.js';
import { classifyStorageError, DISK_FULL } from './errors.js';
import { renderDuckDb } from './render.js';
import { duckdbSessionRollup } from './rollup-capability.js';
import type { DuckDbOptions } from './store.js';
import { SupervisedWorker } from './supervised-worker.js';
import type { WorkerClient } from './worker-client.js';

export type { DuckDbOptions } from './store.js';

/** The DuckDB engine, plus what recovery drills and tests need. */
export interface DuckDbStorageEngine extends StorageEngine {
  /**
   * Ends the database thread as a crash would; the engine notices and opens the file again
   * (recovery drills, tests). Only while it is idle: ending it under a running DuckDB call aborts
   * the whole process (the bindings throw while the thread is torn down).
   */
  terminateWorker(): Promise<void>;
}

/**
 * DuckDB behind a worker thread that owns the database file, replaced when it breaks
 * (supervised-worker.ts). Every call, records included, is sent to that thread.
 */
class DuckDbEngine extends DelegatingRecordStorage implements DuckDbStorageEngine {
  readonly name = 'duckdb';
  readonly dialect = duckdbDialect;

  constructor(private readonly thread: SupervisedWorker) {
    super();
  }

  /** The current thread's client: calls made while the store is unusable are refused at once. */
  private get client(): WorkerClient {
    return this.thread.client;
  }

  protected callRecords<M extends RecordMethod>(
    method: M,
    ...args: Parameters<RecordStorage[M]>
  ): ReturnType<RecordStorage[M]> {
    return this.client.call(method, ...args) as ReturnType<RecordStorage[M]>;
  }

  health(): EngineHealth {
    return this.thread.monitor.health();
  }

  recover(): Promise<boolean> {
    return this.thread.monitor.recover();
  }

  classifyError(error: unknown): StorageErrorKind {
    return classifyStorageError(error);
  }

  terminateWorker(): Promise<void> {
    return this.thread.kill();
  }

  insertEvents(rows: readonly EventRow[]): Promise<InsertResult> {
    return this.client.call('insertEvents', toColumns(rows));
  }

  readEventsAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.client.call('readEventsAfter', afterSeq, limit);
  }

  countEvents(projectId: string, range: ExportRange): Promise<number> {
    return this.client.call('countEvents', projectId, range);
  }

  async *exportEvents(projectId: string, range: ExportRange): AsyncIterable<StoredEvent[]> {
    // The export stays on the thread that opened it: if that thread is replaced, the export fails
    // instead of asking the new one for a stream it never had (and ending early, as if complete).
    const client = this.client;
    const id = await client.call('exportOpen', projectId, range);
    let finished = false;
    try {
      for (;;) {
        const chunk = await client.call('exportNext', id);
        if (!chunk) {
          finished = true;
          return;
        }
        yield chunk;
      }
    } finally {
      // A consumer that stops early (client went away) must not leave the stream open.
      if (!finished) await client.call('exportClose', id).catch(() => undefined);
    }
  }

  refreshSessionRollup(now?: number): Promise<number> {
    return this.client.call('refreshSessionRollup', now);
  }

  /** The loader runs on the database thread (duckdb/log-loader.ts), restarted with it. */
  readonly logLoading: EventLogLoading = {
    startLogLoader: (args) => this.thread.startLogLoader(args),
    eventFingerprints: () => this.client.call('eventFingerprints'),
    reportLogFailure: (failure, error) =>
      this.thread.monitor.fail(failure === 'disk_full' ? DISK_FULL : 'event log write failed', error),
  };

  /**
   * A getter, so it follows whoever it is read on: a view of this engine that hides
   * refreshSessionRollup (tests comparing with events-only answers) hides the rollup too.
   */
  get rollup(): SessionRollupCapability | undefined {
    return typeof this.refreshSessionRollup === 'function' ? duckdbSessionRollup : undefined;
  }

  /** Async, so a value that cannot be rendered rejects like any other failed query. */
  async query(fragment: SqlFragment, options?: QueryOptions): Promise<QueryRow[]> {
    const { text, values } = renderDuckDb(fragment);
    // DuckDB has no per-statement time limit: the caller's signal (its budget) interrupts it.
    return this.client.query(options?.signal, text, values);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

export async function openDuckDbEngine(
  options: DuckDbOptions,
  recovery: Partial<RecoveryOptions> = {},
): Promise<DuckDbStorageEngine> {
  return new DuckDbEngine(await SupervisedWorker.start(import.meta.url, options, recovery));
}
