import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SerialQueue } from '../../util/serial-queue.js';
import type { InsertResult } from '../engine.js';
import type { EventColumns } from './columns.js';
import { FingerprintSet, fingerprint } from './fingerprints.js';

/**
 * Group commits into `events`: one transaction per group, one group at a time, so seq order
 * is commit order and a reader never sees seq N+1 before seq N.
 *
 * Dedupe: the fingerprints of committed rows (fingerprints.ts). A row is checked against them
 * (and against the rest of its group) before it is appended; its fingerprint is added once the
 * transaction committed, so a failed commit leaves nothing behind that would hide a retry.
 * (Tried: pipelining two connections so one group appends while the previous commits. On two
 * cores the process is CPU-bound and it gained nothing, so the simpler writer stayed.)
 */
export class EventWriter {
  private readonly stored = new FingerprintSet();
  private nextSeq = 1;
  private readonly writes = new SerialQueue();

  private constructor(private readonly conn: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<EventWriter> {
    const writer = new EventWriter(await instance.connect());
    await writer.reload();
    return writer;
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

  private async reload(): Promise<void> {
    const conn = this.conn;
    const max = await conn.runAndReadAll('SELECT coalesce(max(seq), 0) FROM events');
    this.nextSeq = Number(max.getRows()[0]?.[0] ?? 0) + 1;
    const result = await conn.stream('SELECT fp_hi, fp_lo FROM events');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const hi = chunk.getColumnValues(0);
      const lo = chunk.getColumnValues(1);
      for (let i = 0; i < chunk.rowCount; i++) this.stored.add(hi[i] as number, lo[i] as number);
    }
  }

  private async write(cols: EventColumns): Promise<InsertResult> {
    const n = cols.length;
    const firstSeq = this.nextSeq;
    const inserted = new Uint8Array(n);
    const fresh: number[] = [];
    const prints: number[] = [];
    const inGroup = new FingerprintSet(n * 2);
    for (let i = 0; i < n; i++) {
      const [hi, lo] = fingerprint(cols.project_id[i]!, cols.uuid[i]!);
      // Already stored, or repeated earlier in this group: the first occurrence wins.
      if (this.stored.has(hi, lo) || !inGroup.add(hi, lo)) continue;
      fresh.push(i);
      prints.push(hi, lo);
    }
    if (fresh.length > 0) {
      const conn = this.conn;
      await conn.run('BEGIN TRANSACTION');
      try {
        const appender = await conn.createAppender('events');
        for (let k = 0; k < fresh.length; k++) {
          const i = fresh[k]!;
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
          appender.appendUInteger(prints[2 * k]!);
          appender.appendUInteger(prints[2 * k + 1]!);
          appender.endRow();
        }
        appender.closeSync();
        await conn.run('COMMIT');
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    for (let k = 0; k < fresh.length; k++) {
      this.stored.add(prints[2 * k]!, prints[2 * k + 1]!);
      inserted[fresh[k]!] = 1;
    }
    this.nextSeq = firstSeq + n;
    return { firstSeq, inserted };
  }
}
