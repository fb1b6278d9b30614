import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { ExportRange, InsertResult, Project, QueryRow, StoredEvent } from '../engine.js';
import type { EventColumns } from './columns.js';
import { DUCKDB_DDL, EVENT_COLUMNS, INSERT_FROM_STAGING, STAGING_DDL } from './ddl.js';
import { toPlainRow, toStoredEvent } from './values.js';

export interface DuckDbOptions {
  /** Database file; ':memory:' for tests that need no persistence. */
  path: string;
  /** DuckDB memory_limit, e.g. '512MB'. */
  memoryLimit?: string;
  threads?: number;
}

const SELECT_EVENT = `SELECT ${EVENT_COLUMNS.join(', ')} FROM events`;
export const EXPORT_CHUNK_ROWS = 2048;

/**
 * Every DuckDB operation, run by the thread that owns the database (see worker.ts).
 * One writer connection does group commits; reads use their own connections so they
 * never queue behind an append.
 */
export class DuckDbStore {
  private nextSeq = 1;
  private readonly idleReaders: DuckDBConnection[] = [];
  private readonly exports = new Map<number, { conn: DuckDBConnection; result: Awaited<ReturnType<DuckDBConnection['stream']>> }>();
  private nextExportId = 1;
  /** The writer connection runs one statement at a time: writes queue here. */
  private writeChain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
  ) {}

  static async open(options: DuckDbOptions): Promise<DuckDbStore> {
    const settings: Record<string, string> = {};
    if (options.memoryLimit) settings['memory_limit'] = options.memoryLimit;
    if (options.threads) settings['threads'] = String(options.threads);
    const instance = await DuckDBInstance.create(options.path, settings);
    const writer = await instance.connect();
    for (const ddl of DUCKDB_DDL) await writer.run(ddl);
    await writer.run(STAGING_DDL);
    const store = new DuckDbStore(instance, writer);
    const max = await writer.runAndReadAll('SELECT coalesce(max(seq), 0) AS s FROM events');
    store.nextSeq = Number(max.getRows()[0]?.[0] ?? 0) + 1;
    return store;
  }

  insertEvents(cols: EventColumns): Promise<InsertResult> {
    return this.serialized(() => this.insertNow(cols));
  }

  private async insertNow(cols: EventColumns): Promise<InsertResult> {
    const n = cols.length;
    const firstSeq = this.nextSeq;
    const inserted = new Uint8Array(n);
    if (n === 0) return { firstSeq, inserted };
    // A uuid repeated inside one group commit is stored once: the first occurrence wins.
    const seen = new Set<string>();
    const unique: number[] = [];
    for (let i = 0; i < n; i++) {
      const key = `${cols.project_id[i]}\u0000${cols.uuid[i]}`;
      if (!seen.has(key)) {
        seen.add(key);
        unique.push(i);
      }
    }
    await this.writer.run('BEGIN TRANSACTION');
    try {
      const appender = await this.writer.createAppender('staging_events', 'main', 'temp');
      for (const i of unique) {
        appender.appendVarchar(cols.project_id[i]!);
        appender.appendVarchar(cols.uuid[i]!);
        appender.appendBigInt(BigInt(firstSeq + i));
        appender.appendVarchar(cols.event[i]!);
        appender.appendVarchar(cols.distinct_id[i]!);
        appender.appendVarchar(cols.session_id[i]!);
        appender.appendBigInt(BigInt(Math.round(cols.timestamp[i]!)));
        appender.appendBigInt(BigInt(Math.round(cols.received_at[i]!)));
        appender.appendVarchar(cols.url[i]!);
        appender.appendVarchar(cols.path[i]!);
        appender.appendVarchar(cols.referrer[i]!);
        appender.appendVarchar(cols.browser[i]!);
        appender.appendVarchar(cols.os[i]!);
        appender.appendVarchar(cols.device[i]!);
        appender.appendVarchar(cols.properties[i]!);
        appender.endRow();
      }
      appender.closeSync();
      const result = await this.writer.runAndReadAll(INSERT_FROM_STAGING);
      for (const [seq] of result.getRows()) inserted[Number(seq) - firstSeq] = 1;
      await this.writer.run('DELETE FROM staging_events');
      await this.writer.run('COMMIT');
    } catch (error) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      await this.writer.run('DELETE FROM staging_events').catch(() => undefined);
      throw error;
    }
    this.nextSeq = firstSeq + n;
    return { firstSeq, inserted };
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
    return this.serialized(async () => {
      // Delete + insert rather than ON CONFLICT UPDATE: DuckDB checks unique indexes eagerly on updates.
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run('DELETE FROM projects WHERE id = $1', [p.id]);
        await this.writer.run('INSERT INTO projects VALUES ($1, $2, $3, $4, $5)', [
          p.id,
          p.name,
          p.public_key,
          p.secret_key_hash,
          BigInt(p.created_at),
        ]);
        await this.writer.run('COMMIT');
      } catch (error) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.serialized(() => this.closeNow());
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writeChain.then(work, work);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private async closeNow(): Promise<void> {
    for (const id of [...this.exports.keys()]) this.exportClose(id);
    // A checkpoint folds the WAL into the database file so the next start does not replay it.
    await this.writer.run('CHECKPOINT').catch(() => undefined);
    for (const conn of this.idleReaders.splice(0)) conn.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }

  private async read(text: string, values: DuckDBValue[]): Promise<Record<string, unknown>[]> {
    const conn = this.idleReaders.pop() ?? (await this.instance.connect());
    try {
      const reader = await conn.runAndReadAll(text, values);
      return reader.getRowObjects();
    } finally {
      this.idleReaders.push(conn);
    }
  }
}
