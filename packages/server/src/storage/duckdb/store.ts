import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { ExportRange, InsertResult, Project, QueryRow, StoredEvent } from '../engine.js';
import { EVENT_COLUMNS, toStoredEvent } from '../stored-event.js';
import type { EventColumns } from './columns.js';
import { DUCKDB_DDL } from './ddl.js';
import { EventWriter } from './event-writer.js';
import { ProcessorStore } from './processor-store.js';
import { ensureSessionRollupTables, SessionRollup } from './session-rollup.js';
import { toPlainRow } from './values.js';

export interface DuckDbOptions {
  /** Database file; ':memory:' for tests that need no persistence. */
  path: string;
  /** DuckDB memory_limit, e.g. '512MB'. */
  memoryLimit?: string;
  threads?: number;
  /** WAL size that triggers a checkpoint (DuckDB default 16MB). */
  checkpointThreshold?: string;
  /** How often the session rollup catches up (session-rollup.ts); 0: only when asked. */
  rollupRefreshMs?: number;
  /** Events aggregated per rollup statement (tests make it tiny so sessions are cut). */
  rollupEventsPerStatement?: number;
}

const SELECT_EVENT = `SELECT ${EVENT_COLUMNS.join(', ')} FROM events`;
export const EXPORT_CHUNK_ROWS = 2048;

/**
 * Every DuckDB operation, run by the thread that owns the database (see worker.ts).
 * Event inserts go through the EventWriter's pipeline; reads use their own connections so
 * they never queue behind an append.
 */
export class DuckDbStore {
  private readonly idleReaders: DuckDBConnection[] = [];
  /** Reads under way, which close() lets finish. */
  private readonly reading = new Set<Promise<unknown>>();
  private readonly exports = new Map<
    number,
    { conn: DuckDBConnection; result: Awaited<ReturnType<DuckDBConnection['stream']>> }
  >();
  private nextExportId = 1;
  /** The stream processor's tables (processor-store.ts). */
  readonly processor: ProcessorStore;
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: EventWriter,
    processorConnections: [DuckDBConnection, DuckDBConnection],
    private readonly rollup: SessionRollup,
  ) {
    this.processor = new ProcessorStore(...processorConnections, (text, values) => this.read(text, values));
  }

  static async open(options: DuckDbOptions): Promise<DuckDbStore> {
    const settings: Record<string, string> = {};
    if (options.memoryLimit) settings['memory_limit'] = options.memoryLimit;
    if (options.threads) settings['threads'] = String(options.threads);
    const instance = await DuckDBInstance.create(options.path, settings);
    const setup = await instance.connect();
    for (const ddl of DUCKDB_DDL) await setup.run(ddl);
    await ensureSessionRollupTables(setup);
    // Fewer, larger checkpoints: each one stalls commits, and ingest fills the default 16 MB WAL in under a second.
    await setup.run(`SET checkpoint_threshold = '${options.checkpointThreshold ?? '256MB'}'`);
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

  /** Opens a streaming export; read it with exportNext until it returns null. */
  async exportOpen(projectId: string, range: ExportRange): Promise<number> {
    const conn = await this.instance.connect();
    const result = await conn.stream(
      `${SELECT_EVENT} WHERE project_id = $1 AND timestamp >= $2 AND timestamp < $3 ORDER BY timestamp, seq`,
      [projectId, BigInt(Math.floor(range.from)), BigInt(Math.ceil(range.to))],
    );
    const id = this.nextExportId++;
    this.exports.set(id, { conn, result });
    return id;
  }

  async exportNext(id: number): Promise<StoredEvent[] | null> {
    const open = this.exports.get(id);
    if (!open) return null;
    const out: StoredEvent[] = [];
    const names = open.result.columnNames();
    while (out.length < EXPORT_CHUNK_ROWS) {
      const chunk = await open.result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const row of chunk.getRowObjects(names)) out.push(toStoredEvent(row));
    }
    if (out.length === 0) {
      this.exportClose(id);
      return null;
    }
    return out;
  }

  exportClose(id: number): void {
    const open = this.exports.get(id);
    if (!open) return;
    this.exports.delete(id);
    open.conn.closeSync();
  }

  refreshSessionRollup(now?: number): Promise<number> {
    return this.rollup.refresh(now);
  }

  async query(text: string, values: DuckDBValue[]): Promise<QueryRow[]> {
    return (await this.read(text, values)).map(toPlainRow);
  }

  async listProjects(): Promise<Project[]> {
    const rows = await this.read('SELECT * FROM projects ORDER BY created_at, id', []);
    return rows.map((r) => ({
      id: r['id'] as string,
      name: r['name'] as string,
      public_key: r['public_key'] as string,
      secret_key_hash: r['secret_key_hash'] as string,
      created_at: Number(r['created_at']),
    }));
  }

  upsertProject(p: Project): Promise<void> {
    return this.writer.exclusive(async (conn) => {
      // Delete + insert rather than ON CONFLICT UPDATE: DuckDB checks unique indexes eagerly on updates.
      await conn.run('BEGIN TRANSACTION');
      try {
        await conn.run('DELETE FROM projects WHERE id = $1', [p.id]);
        await conn.run('INSERT INTO projects VALUES ($1, $2, $3, $4, $5)', [
          p.id,
          p.name,
          p.public_key,
          p.secret_key_hash,
          BigInt(p.created_at),
        ]);
        await conn.run('COMMIT');
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    // Closing the database under a running query aborts the process (a native error, not a rejection).
    await Promise.allSettled([...this.reading]);
    for (const id of [...this.exports.keys()]) this.exportClose(id);
    await this.rollup.close();
    await this.processor.close();
    // A checkpoint folds the WAL into the database file so the next start does not replay it.
    await this.writer.exclusive((conn) => conn.run('CHECKPOINT')).catch(() => undefined);
    for (const conn of this.idleReaders.splice(0)) conn.closeSync();
    this.writer.close();
    this.instance.closeSync();
  }

  private read(text: string, values: DuckDBValue[]): Promise<Record<string, unknown>[]> {
    const run = this.readOnIdleConnection(text, values);
    this.reading.add(run);
    const forget = () => this.reading.delete(run);
    run.then(forget, forget);
    return run;
  }

  private async readOnIdleConnection(
    text: string,
    values: DuckDBValue[],
  ): Promise<Record<string, unknown>[]> {
    const conn = this.idleReaders.pop() ?? (await this.instance.connect());
    try {
      const reader = await conn.runAndReadAll(text, values);
      return reader.getRowObjects();
    } finally {
      this.idleReaders.push(conn);
    }
  }
}
