import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SerialQueue } from '../../util/serial-queue.js';
import type { InsertResult } from '../engine.js';
import { EventDedupe } from '../event-dedupe.js';
import type { EventColumns } from './columns.js';

/**
 * Group commits into `events`: one transaction per group, one group at a time, so seq order
 * is commit order and a reader never sees seq N+1 before seq N. De-duplication and seq numbers:
 * event-dedupe.ts; a failed commit rolls back, so the next group takes the same seqs.
 * (Tried: pipelining two connections so one group appends while the previous commits. On two
 * cores the process is CPU-bound and it gained nothing, so the simpler writer stayed.)
 */
export class EventWriter {
  private readonly writes = new SerialQueue();

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly dedupe: EventDedupe,
  ) {}

  static async open(instance: DuckDBInstance): Promise<EventWriter> {
    const conn = await instance.connect();
    const max = await conn.runAndReadAll('SELECT coalesce(max(seq), 0) FROM events');
    const dedupe = new EventDedupe(Number(max.getRows()[0]?.[0] ?? 0) + 1);
    const result = await conn.stream('SELECT fp_hi, fp_lo FROM events');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      dedupe.addStored(chunk.getColumnValues(0) as number[], chunk.getColumnValues(1) as number[]);
    }
    return new EventWriter(conn, dedupe);
  }

  insert(cols: EventColumns): Promise<InsertResult> {
    return this.exclusive(() => this.write(cols));
  }

  /** Runs a write on the writer connection once the writes before it finished. */
  exclusive<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.writes.run(() => work(this.conn));
  }

  close(): void {
    this.conn.closeSync();
  }

  private async write(cols: EventColumns): Promise<InsertResult> {
    const split = this.dedupe.split(cols.project_id, cols.uuid);
    if (split.fresh.length > 0) {
      const conn = this.conn;
      await conn.run('BEGIN TRANSACTION');
      try {
        const appender = await conn.createAppender('events');
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
        appender.closeSync();
        await conn.run('COMMIT');
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    return this.dedupe.committed(split);
  }
}
