import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { ExportRange, InsertResult, QueryRow, RecordStorage, StoredEvent } from '../engine.js';
import type { LogLoaderArgs } from '../log-loading.js';
import { recordStorage } from '../records/record-storage.js';
import { EVENT_COLUMNS, toStoredEvent } from '../stored-event.js';
import type { EventColumns } from './columns.js';
import { EVENTS_DDL } from './ddl.js';
import { EventWriter } from './event-writer.js';
import { ExportCursor } from './export-cursor.js';
import { type LoadedBatch, LogLoader } from './log-loader.js';
import { migrateEventColumns, migrateRecordTables } from './migrations.js';
import { probeWrite } from './probe.js';
import { DuckDbRecordExecutor } from './record-executor.js';
import { ensureSessionRollupTables, SessionRollup } from './session-rollup.js';
import { toPlainRow } from './values.js';

/**
 * Fewer, larger checkpoints than DuckDB's 16 MB: each stalls the commit that runs it (the loader's,
 * 1.5–4.5 s at 256 MB: bench/loader-commit-latency.ts), and ingest fills 16 MB in under a second.
 * Checkpoints run apart from the commits (every 8 MiB, in turn with the loader) were tried and
 * dropped: in ~475 SIGKILLs around them DuckDB 1.5.6 twice left a file it could not reopen
 * ("checksum mismatch"), none in 270 with its own checkpoints (docs/ARCHITECTURE.md, Checkpoints).
 */
export const DEFAULT_CHECKPOINT_THRESHOLD = '256MB';

export interface DuckDbOptions {
  /** Database file; ':memory:' for tests that need no persistence. */
  path: string;
  /** DuckDB memory_limit, e.g. '512MB'. */
  memoryLimit?: string;
  threads?: number;
  /**
   * WAL size at which DuckDB checkpoints, in the commit that passes it (DuckDB's default 16MB;
   * Sightline's DEFAULT_CHECKPOINT_THRESHOLD unless a test or bench sets it).
   */
  checkpointThreshold?: string;
  /** How often the session rollup catches up (session-rollup.ts); 0: only when asked. */
  rollupRefreshMs?: number;
  /** Events aggregated per rollup statement (tests make it tiny so sessions are cut). */
  rollupEventsPerStatement?: number;
}

const SELECT_EVENT = `SELECT ${EVENT_COLUMNS.join(', ')} FROM events`;
/**
 * An interrupt that reaches a connection between two steps of a read (prepare, then execute) may be
 * lost when the next step starts, so it is repeated this often until the read has failed.
 */
const INTERRUPT_REPEAT_MS = 10;

/** A read that its caller may interrupt (see interrupt()). */
interface InterruptibleRead {
  conn: DuckDBConnection | null;
  interrupted: boolean;
  repeat: ReturnType<typeof setInterval> | null;
}

/** DuckDB is one node of the record tables' `node` column (ClickHouse runs several). */
const DUCKDB_NODE = 0;

/**
 * Every DuckDB operation, run by the thread that owns the database (see worker.ts).
 * Event inserts go through the EventWriter's pipeline; reads use their own connections so
 * they never queue behind an append. The records (projects, the processor's tables, settings,
 * access) are the shared stores over DuckDbRecordExecutor.
 */
export class DuckDbStore {
  private readonly idleReaders: DuckDBConnection[] = [];
  /** Reads under way, which close() lets finish. */
  private readonly reading = new Set<Promise<unknown>>();
  /** Reads a caller may interrupt, by the worker request id that started them. */
  private readonly interruptible = new Map<number, InterruptibleRead>();
  /** Open exports: each its own connection, closed by exportClose (or once its cursor ends). */
  private readonly exports = new Map<number, { conn: DuckDBConnection; cursor: ExportCursor }>();
  private nextExportId = 1;
  /** Moves the event log into `events` once the server started it (log-loader.ts). */
  private loader: LogLoader | null = null;
  private readonly recordExecutor: DuckDbRecordExecutor;
  /** Every record method of StorageEngine, written once (records/record-storage.ts). */
  readonly records: RecordStorage;
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: EventWriter,
    recordConnections: [output: DuckDBConnection, state: DuckDBConnection],
    private readonly rollup: SessionRollup,
  ) {
    this.recordExecutor = new DuckDbRecordExecutor(...recordConnections, (text, values) =>
      this.read(text, values),
    );
    this.records = recordStorage(this.recordExecutor, DUCKDB_NODE);
  }

  static async open(options: DuckDbOptions): Promise<DuckDbStore> {
    const settings: Record<string, string> = {};
    if (options.memoryLimit) settings['memory_limit'] = options.memoryLimit;
    if (options.threads) settings['threads'] = String(options.threads);
    const instance = await DuckDBInstance.create(options.path, settings);
    const setup = await instance.connect();
    await setup.run(EVENTS_DDL);
    await migrateEventColumns(setup);
    await migrateRecordTables(setup);
    await ensureSessionRollupTables(setup);
    await setup.run(
      `SET checkpoint_threshold = '${options.checkpointThreshold ?? DEFAULT_CHECKPOINT_THRESHOLD}'`,
    );
    setup.closeSync();
    return new DuckDbStore(
      instance,
      await EventWriter.open(instance),
      [await instance.connect(), await instance.connect()],
      new SessionRollup(await instance.connect(), options.rollupRefreshMs, options.rollupEventsPerStatement),
    );
  }

  insertEvents(cols: EventColumns): Promise<InsertResult> {
    return this.writer.insert(cols);
  }

  /** Starts the loader (once per thread; a replaced thread's loader starts again from the stored offset). */
  startLogLoader(
    args: LogLoaderArgs,
    onFailure: (error: Error) => void,
    onLoaded?: (batch: LoadedBatch) => void,
  ): void {
    this.loader ??= new LogLoader(this.writer, args, onFailure, onLoaded);
  }

  eventFingerprints(): Promise<{ hi: Uint32Array; lo: Uint32Array }> {
    return this.writer.fingerprints();
  }

  async readEventsAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.read(`${SELECT_EVENT} WHERE seq > $1 ORDER BY seq LIMIT $2`, [
      BigInt(afterSeq),
      BigInt(limit),
    ]);
    return rows.map(toStoredEvent);
  }

  async countEvents(projectId: string, range: ExportRange): Promise<number> {
    const rows = await this.read(
      'SELECT count(*) AS n FROM events WHERE project_id = $1 AND timestamp >= $2 AND timestamp < $3',
      [projectId, BigInt(Math.floor(range.from)), BigInt(Math.ceil(range.to))],
    );
    return Number(rows[0]?.['n'] ?? 0);
  }

  /** Opens an export (export-cursor.ts: pages in timestamp order, bounded memory); read it with exportNext until it returns null. */
  async exportOpen(projectId: string, range: ExportRange): Promise<number> {
    const conn = await this.instance.connect();
    const id = this.nextExportId++;
    this.exports.set(id, { conn, cursor: new ExportCursor(conn, projectId, range) });
    return id;
  }

  async exportNext(id: number): Promise<StoredEvent[] | null> {
    const open = this.exports.get(id);
    if (!open) return null;
    // Counted as a read so close() waits for the page rather than closing under it.
    const page = open.cursor.next();
    this.reading.add(page);
    const forget = () => this.reading.delete(page);
    page.then(forget, forget);
    const rows = await page;
    if (!rows) this.exportClose(id);
    return rows;
  }

  exportClose(id: number): void {
    const open = this.exports.get(id);
    if (!open) return;
    this.exports.delete(id);
    open.conn.closeSync();
  }

  /** A tiny committed write (probe.ts), in turn with event commits: does the store take writes? */
  probeWrite(): Promise<void> {
    return this.writer.exclusive(probeWrite);
  }

  refreshSessionRollup(now?: number): Promise<number> {
    return this.rollup.refresh(now);
  }

  /** `requestId` names the read for interrupt(). */
  async query(text: string, values: DuckDBValue[], requestId?: number): Promise<QueryRow[]> {
    return (await this.read(text, values, requestId)).map(toPlainRow);
  }

  /**
   * Stops the read of `requestId` if it is still waiting or running: DuckDB abandons the work and
   * the read fails. A read that already ended is not affected.
   */
  interrupt(requestId: number): void {
    const read = this.interruptible.get(requestId);
    if (!read || read.interrupted) return;
    read.interrupted = true;
    read.conn?.interrupt();
    read.repeat = setInterval(() => read.conn?.interrupt(), INTERRUPT_REPEAT_MS);
  }

  async close(): Promise<void> {
    await this.loader?.close();
    // Closing the database under a running query aborts the process (a native error, not a rejection).
    await Promise.allSettled([...this.reading]);
    for (const id of [...this.exports.keys()]) this.exportClose(id);
    await this.rollup.close();
    await this.recordExecutor.close();
    // A checkpoint folds the WAL into the database file so the next start does not replay it.
    await this.writer.exclusive((conn) => conn.run('CHECKPOINT')).catch(() => undefined);
    for (const conn of this.idleReaders.splice(0)) conn.closeSync();
    this.writer.close();
    this.instance.closeSync();
  }

  private read(text: string, values: DuckDBValue[], requestId?: number): Promise<Record<string, unknown>[]> {
    let handle: InterruptibleRead | undefined;
    if (requestId !== undefined) {
      handle = { conn: null, interrupted: false, repeat: null };
      this.interruptible.set(requestId, handle);
    }
    const run = this.readOnIdleConnection(text, values, handle);
    this.reading.add(run);
    const forget = () => {
      this.reading.delete(run);
      if (requestId === undefined || !handle) return;
      this.interruptible.delete(requestId);
      if (handle.repeat) clearInterval(handle.repeat);
    };
    run.then(forget, forget);
    return run;
  }

  private async readOnIdleConnection(
    text: string,
    values: DuckDBValue[],
    handle?: InterruptibleRead,
  ): Promise<Record<string, unknown>[]> {
    const conn = this.idleReaders.pop() ?? (await this.instance.connect());
    if (handle?.interrupted) {
      this.idleReaders.push(conn);
      throw new Error('INTERRUPT Error: Interrupted!');
    }
    if (handle) handle.conn = conn;
    try {
      const reader = await conn.runAndReadAll(text, values);
      // Interrupted too late to stop the work: the caller gave up on the result all the same.
      if (handle?.interrupted) throw new Error('INTERRUPT Error: Interrupted!');
      return reader.getRowObjects();
    } finally {
      if (handle?.interrupted) {
        // Its interrupt flag may still be set: a fresh connection for the next read instead.
        if (handle.repeat) clearInterval(handle.repeat);
        handle.repeat = null;
        handle.conn = null;
        conn.closeSync();
      } else this.idleReaders.push(conn);
    }
  }
}
