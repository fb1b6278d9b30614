import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { LogOffset, LogRecord } from '../../log/event-log.js';
import { SerialQueue } from '../../util/serial-queue.js';
import type { InsertResult } from '../engine.js';
import { EventDedupe, type GroupSplit } from '../event-dedupe.js';
import type { EventColumns } from './columns.js';
import { insertRecords, type NdjsonScratch } from './ndjson-batch.js';
import { inTransaction } from './transaction.js';

/**
 * How far the loader has moved the event log into `events`: one row per consumer, written in the
 * same transaction as the rows it loaded, so a crash never loads a record twice or skips one.
 */
export const LOG_POSITION_DDL =
  'CREATE TABLE IF NOT EXISTS event_log_position (consumer VARCHAR PRIMARY KEY, next_offset BIGINT NOT NULL)';
const LOADER = 'loader';

/**
 * Group commits into `events`: one transaction per group, one group at a time, so seq order
 * is commit order and a reader never sees seq N+1 before seq N. De-duplication and seq numbers:
 * event-dedupe.ts; a failed commit rolls back, so the next group takes the same seqs.
 * Two ways in: `insert` (direct writes: tools and tests) de-duplicates here, through the Appender;
 * `load` (the event log's loader, log-loader.ts) stores records capture already de-duplicated
 * before appending them, with the seq and fingerprint they carry, so the stored fingerprints are
 * only read into memory once an `insert` needs them (they cost 8 bytes per stored event).
 * (Tried: pipelining two connections so one group appends while the previous commits. On two
 * cores the process is CPU-bound and it gained nothing, so the simpler writer stayed.)
 */
export class EventWriter {
  private readonly writes = new SerialQueue();
  private fingerprintsLoaded = false;

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly dedupe: EventDedupe,
  ) {}

  static async open(instance: DuckDBInstance): Promise<EventWriter> {
    const conn = await instance.connect();
    await conn.run(LOG_POSITION_DDL);
    const max = await conn.runAndReadAll('SELECT coalesce(max(seq), 0) FROM events');
    return new EventWriter(conn, new EventDedupe(Number(max.getRows()[0]?.[0] ?? 0) + 1));
  }

  insert(cols: EventColumns): Promise<InsertResult> {
    return this.exclusive(async () => {
      await this.loadFingerprints();
      return this.write(cols, this.dedupe.split(cols.project_id, cols.uuid));
    });
  }

  /**
   * Stores log records [.., nextOffset) as they are, each with seq = its offset + 1, through
   * DuckDB's JSON reader (ndjson-batch.ts), and records `nextOffset` in the same transaction.
   */
  load(records: readonly LogRecord[], nextOffset: LogOffset, scratch: NdjsonScratch): Promise<void> {
    return this.exclusive(async (conn) => {
      await inTransaction(conn, async () => {
        if (records.length > 0) await insertRecords(conn, scratch, records);
        await conn.run('INSERT OR REPLACE INTO event_log_position VALUES ($1, $2)', [
          LOADER,
          BigInt(nextOffset),
        ]);
      });
      this.dedupe.advanceTo(nextOffset + 1);
      // An `insert` after loads (tools, tests) reads the fingerprints again, the loaded rows' too.
      this.fingerprintsLoaded = false;
    });
  }

  /** The offset the loader goes on from (null: it never loaded anything into this file). */
  async loadedOffset(): Promise<LogOffset | null> {
    const result = await this.conn.runAndReadAll(
      `SELECT next_offset FROM event_log_position WHERE consumer = '${LOADER}'`,
    );
    const value = result.getRows()[0]?.[0];
    return value === undefined || value === null ? null : Number(value);
  }

  /** The stored events' fingerprints, for capture's duplicate check (ingest/ingest-dedupe.ts). */
  async fingerprints(): Promise<{ hi: Uint32Array; lo: Uint32Array }> {
    const his: Uint32Array[] = [];
    const los: Uint32Array[] = [];
    const result = await this.conn.stream('SELECT fp_hi, fp_lo FROM events');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      his.push(Uint32Array.from(chunk.getColumnValues(0) as number[]));
      los.push(Uint32Array.from(chunk.getColumnValues(1) as number[]));
    }
    return { hi: concat(his), lo: concat(los) };
  }

  /** Runs a write on the writer connection once the writes before it finished. */
  exclusive<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.writes.run(() => work(this.conn));
  }

  close(): void {
    this.conn.closeSync();
  }

  private async loadFingerprints(): Promise<void> {
    if (this.fingerprintsLoaded) return;
    const { hi, lo } = await this.fingerprints();
    this.dedupe.addStored(hi, lo);
    this.fingerprintsLoaded = true;
  }

  private async write(cols: EventColumns, split: GroupSplit): Promise<InsertResult> {
    if (split.fresh.length > 0) {
      const conn = this.conn;
      await inTransaction(conn, async () => {
        const appender = await conn.createAppender('events');
        appendRows(appender, cols, split);
        appender.closeSync();
      });
    }
    return this.dedupe.committed(split);
  }
}

function appendRows(appender: DuckDBAppender, cols: EventColumns, split: GroupSplit): void {
  for (let k = 0; k < split.fresh.length; k++) {
    const i = split.fresh[k]!;
    appender.appendVarchar(cols.project_id[i]!);
    appender.appendVarchar(cols.uuid[i]!);
    appender.appendBigInt(BigInt(split.firstSeq + i));
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
    appender.appendUInteger(split.hi[k]!);
    appender.appendUInteger(split.lo[k]!);
    appender.appendVarchar(cols.country[i]!);
    appender.endRow();
  }
}

function concat(parts: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
