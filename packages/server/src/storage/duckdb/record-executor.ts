import { type DuckDBAppender, type DuckDBConnection, type DuckDBValue, listValue } from '@duckdb/node-api';
import type { SqlFragment } from '../../sql/sql.js';
import { SerialQueue } from '../../util/serial-queue.js';
import type { QueryRow } from '../engine.js';
import { lastPerKey } from '../records/codec.js';
import { type AnyRecordTable, type ColumnSpec, columnsOf } from '../records/columns.js';
import type { RecordExecutor, RecordLane, RecordWriter } from '../records/executor.js';
import { DUCKDB_TYPES } from './ddl.js';
import { renderDuckDb } from './render.js';
import { inTransaction } from './transaction.js';
import { toPlainRow } from './values.js';

type Read = (text: string, values: DuckDBValue[]) => Promise<Record<string, unknown>[]>;

/**
 * The record stores' executor on DuckDB: each lane a connection of its own with real
 * transactions, one at a time; reads outside a transaction go to the store's read connections.
 * Output commits never queue behind (or in front of) an event group commit, which has its own
 * connection too.
 */
export class DuckDbRecordExecutor implements RecordExecutor {
  private readonly lanes: Record<RecordLane, { conn: DuckDBConnection; queue: SerialQueue }>;

  constructor(
    output: DuckDBConnection,
    state: DuckDBConnection,
    private readonly read: Read,
  ) {
    this.lanes = {
      output: { conn: output, queue: new SerialQueue() },
      state: { conn: state, queue: new SerialQueue() },
    };
  }

  async select(fragment: SqlFragment): Promise<QueryRow[]> {
    const { text, values } = renderDuckDb(fragment);
    return (await this.read(text, values)).map(toPlainRow);
  }

  transaction<T>(work: (writer: RecordWriter) => Promise<T>, options?: { lane?: RecordLane }): Promise<T> {
    const { conn, queue } = this.lanes[options?.lane ?? 'output'];
    return queue.run(() => inTransaction(conn, () => work(new DuckDbRecordWriter(conn))));
  }

  /** Waits for the transactions queued so far, then closes the lanes' connections. */
  async close(): Promise<void> {
    for (const lane of Object.values(this.lanes)) {
      await lane.queue.idle();
      lane.conn.closeSync();
    }
  }
}

/** Writes inside one transaction: `put` is delete-by-key then append. */
class DuckDbRecordWriter implements RecordWriter {
  constructor(private readonly conn: DuckDBConnection) {}

  async select(fragment: SqlFragment): Promise<QueryRow[]> {
    const { text, values } = renderDuckDb(fragment);
    return (await this.conn.runAndReadAll(text, values)).getRowObjects().map(toPlainRow);
  }

  async put(table: AnyRecordTable, records: readonly object[]): Promise<void> {
    if (records.length === 0) return;
    const rows = lastPerKey(table, records) as Array<Record<string, unknown>>;
    await this.remove(table, rows);
    const appender = await this.conn.createAppender(table.name);
    for (const row of rows) {
      for (const [name, spec] of columnsOf(table)) appendValue(appender, spec, row[name]);
      appender.endRow();
    }
    appender.closeSync();
  }

  /**
   * One DELETE for every key: the keys travel as one text list per key column, unnested side by
   * side into a relation and cast to the columns' types.
   */
  async remove(table: AnyRecordTable, keys: readonly object[]): Promise<void> {
    if (keys.length === 0) return;
    const values = keys as ReadonlyArray<Record<string, unknown>>;
    const lists = table.key.map((column) => listValue(values.map((k) => keyValueText(k[column]))));
    const unnested = table.key.map((_, i) => `unnest($${i + 1}::VARCHAR[]) AS k${i}`).join(', ');
    const typed = table.key
      .map((column, i) => `CAST(k${i} AS ${DUCKDB_TYPES[table.columns[column]!.kind]}) AS k${i}`)
      .join(', ');
    const matches = table.key.map((column, i) => `${table.name}.${column} = d.k${i}`).join(' AND ');
    await this.conn.run(
      `DELETE FROM ${table.name} USING (SELECT ${typed} FROM (SELECT ${unnested}) AS u) AS d WHERE ${matches}`,
      lists,
    );
  }
}

const keyValueText = (value: unknown): string =>
  typeof value === 'number' ? String(Math.round(value)) : String(value);

function appendValue(appender: DuckDBAppender, spec: ColumnSpec, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (spec.kind) {
    case 'string':
      appender.appendVarchar(String(value));
      break;
    case 'json':
      appender.appendVarchar(JSON.stringify(value));
      break;
    case 'int64':
      appender.appendBigInt(BigInt(Math.round(Number(value))));
      break;
    case 'uint16':
      appender.appendUSmallInt(Math.round(Number(value)));
      break;
    case 'float64':
      appender.appendDouble(Number(value));
      break;
    case 'bool':
      appender.appendBoolean(value === true);
      break;
  }
}
