import type { SqlFragment } from '../../sql/sql.js';
import type { QueryRow } from '../engine.js';
import type { RecordKey, RecordTable } from './columns.js';

/**
 * The small part each engine implements so the record stores (records/*-store.ts) are written once.
 *
 * DuckDB (duckdb/record-executor.ts): a transaction is a real one, all or nothing; `put` deletes
 * the records' keys and appends them. ClickHouse (clickhouse/record-executor.ts) has no
 * transactions: each write is an insert of new row versions, run in order, one at a time, and
 * visible to the reads after it; a transaction cut short leaves its earlier writes. The stores
 * are written so that is safe: a processor commit checks the checkpoint first and writes it last
 * (a replay from the old checkpoint rewrites the same records: ids are derived from the inputs),
 * records inserted once are skipped when their key is present, and every other write replaces a
 * whole record by key (writing it twice is writing it once).
 */
export interface RecordReader {
  /** Rows of a SELECT over the record tables (by their declared names), values as plain JS values. */
  select(fragment: SqlFragment): Promise<QueryRow[]>;
}

export interface RecordWriter extends RecordReader {
  /** Replaces by key: a record whose key is stored takes the stored one's place (the last of repeats wins). */
  put<Row extends object, Key extends keyof Row & string>(
    table: RecordTable<Row, Key>,
    records: readonly Row[],
  ): Promise<void>;
  /** Removes the records with these keys (absent ones are no-ops). */
  remove<Row extends object, Key extends keyof Row & string>(
    table: RecordTable<Row, Key>,
    keys: ReadonlyArray<RecordKey<Row, Key>>,
  ): Promise<void>;
}

/**
 * Writes run in lanes, one transaction at a time per lane. `output` (the default) holds the
 * processor's outputs and every other record; `state` holds only the processor's session state,
 * so a large state save never holds up an output commit (the tables of the two lanes are
 * disjoint, so DuckDB's optimistic concurrency never makes them conflict).
 */
export type RecordLane = 'output' | 'state';

export interface RecordExecutor extends RecordReader {
  transaction<T>(work: (writer: RecordWriter) => Promise<T>, options?: { lane?: RecordLane }): Promise<T>;
}
