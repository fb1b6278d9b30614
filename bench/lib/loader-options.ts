/**
 * The ways the loader could move one batch of normalised events into DuckDB's `events`, each as
 * one transaction that also advances the one-row `loader_offset` (so a crash never loads a batch
 * twice or skips one). Measured against each other by bench/loader-paths.ts.
 */
import { writeFileSync } from 'node:fs';
import {
  BIGINT,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  UINTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import type { EventColumns } from '../../packages/server/src/storage/duckdb/columns.js';
import { ADDED_EVENT_COLUMNS, EVENT_COLUMNS } from '../../packages/server/src/storage/stored-event.js';

/** A batch as the loader would hold it: normalised columns plus fingerprint and seq. */
export interface LoaderBatch {
  cols: EventColumns;
  fpHi: Uint32Array;
  fpLo: Uint32Array;
  firstSeq: number;
  /** The log offset this batch ends at: what the same transaction stores. */
  endOffset: number;
}

type StoredColumn = (typeof EVENT_COLUMNS)[number];
type ColumnName = StoredColumn | 'fp_hi' | 'fp_lo';
const ADDED = new Set(ADDED_EVENT_COLUMNS.map(({ name }) => name));

/**
 * The `events` columns in DDL order (duckdb/ddl.ts): the first stored columns, the fingerprint,
 * then the columns added since — derived from EVENT_COLUMNS so a new column reaches the bench too.
 * value() gives the batch's value for row i.
 */
export const EVENT_COLUMN_ORDER: readonly ColumnName[] = [
  ...EVENT_COLUMNS.filter((c) => !ADDED.has(c)),
  'fp_hi',
  'fp_lo',
  ...EVENT_COLUMNS.filter((c) => ADDED.has(c)),
];

function value(b: LoaderBatch, column: ColumnName, i: number): string | number {
  switch (column) {
    case 'seq':
      return b.firstSeq + i;
    case 'timestamp':
    case 'received_at':
      return Math.round(b.cols[column][i]!);
    case 'fp_hi':
      return b.fpHi[i]!;
    case 'fp_lo':
      return b.fpLo[i]!;
    default:
      return b.cols[column][i]!;
  }
}

export const OFFSET_DDL = 'CREATE TABLE loader_offset (id INTEGER PRIMARY KEY, loaded BIGINT NOT NULL)';
export const OFFSET_SEED = 'INSERT INTO loader_offset VALUES (1, 0)';

/** Runs `load` and the offset update in one transaction; rolls back on failure. */
async function inTransaction(conn: DuckDBConnection, b: LoaderBatch, load: () => Promise<void>) {
  await conn.run('BEGIN TRANSACTION');
  try {
    await load();
    await conn.run(`UPDATE loader_offset SET loaded = ${b.endOffset} WHERE id = 1`);
    await conn.run('COMMIT');
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** a) What event-writer.ts does today: one append call per value, one endRow per row. */
async function rowAppender(conn: DuckDBConnection, b: LoaderBatch): Promise<void> {
  await inTransaction(conn, b, async () => {
    const a = await conn.createAppender('events');
    const c = b.cols;
    for (let i = 0; i < c.length; i++) {
      a.appendVarchar(c.project_id[i]!);
      a.appendVarchar(c.uuid[i]!);
      a.appendBigInt(BigInt(b.firstSeq + i));
      a.appendVarchar(c.event[i]!);
      a.appendVarchar(c.distinct_id[i]!);
      a.appendVarchar(c.session_id[i]!);
      a.appendBigInt(BigInt(Math.round(c.timestamp[i]!)));
      a.appendBigInt(BigInt(Math.round(c.received_at[i]!)));
      a.appendVarchar(c.url[i]!);
      a.appendVarchar(c.path[i]!);
      a.appendVarchar(c.referrer[i]!);
      a.appendVarchar(c.browser[i]!);
      a.appendVarchar(c.os[i]!);
      a.appendVarchar(c.device[i]!);
      a.appendVarchar(c.properties[i]!);
      a.appendUInteger(b.fpHi[i]!);
      a.appendUInteger(b.fpLo[i]!);
      a.appendVarchar(c.country[i]!);
      a.endRow();
    }
    a.closeSync();
  });
}

/** DuckDB's vector size: the most rows one data chunk holds. */
const VECTOR_SIZE = 2048;

/** b) The Appender's columnar path: fill one DuckDBDataChunk per 2048 rows, column by column. */
async function chunkAppender(conn: DuckDBConnection, b: LoaderBatch): Promise<void> {
  await inTransaction(conn, b, async () => {
    const a = await conn.createAppender('events');
    const types: DuckDBType[] = [];
    for (let k = 0; k < a.columnCount; k++) types.push(a.columnType(k));
    for (let start = 0; start < b.cols.length; start += VECTOR_SIZE) {
      const n = Math.min(VECTOR_SIZE, b.cols.length - start);
      const chunk = DuckDBDataChunk.create(types, n);
      EVENT_COLUMN_ORDER.forEach((column, k) => {
        const values: DuckDBValue[] = new Array(n);
        const big = column === 'seq' || column === 'timestamp' || column === 'received_at';
        for (let i = 0; i < n; i++) {
          const v = value(b, column, start + i);
          values[i] = big ? BigInt(v) : v;
        }
        chunk.setColumnValues(k, values);
      });
      a.appendDataChunk(chunk);
    }
    a.closeSync();
  });
}

/** The batch as NDJSON, one normalised row object per line (what a segment of such records would be). */
export function writeNdjson(file: string, b: LoaderBatch): void {
  const lines: string[] = new Array(b.cols.length);
  for (let i = 0; i < b.cols.length; i++) {
    const row: Record<string, string | number> = {};
    for (const column of EVENT_COLUMN_ORDER) row[column] = value(b, column, i);
    lines[i] = JSON.stringify(row);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const JSON_COLUMNS = `{${EVENT_COLUMN_ORDER.map((c) => `${c}: '${duckType(c)}'`).join(', ')}}`;
function duckType(column: ColumnName): string {
  if (column === 'seq' || column === 'timestamp' || column === 'received_at') return 'BIGINT';
  if (column === 'fp_hi' || column === 'fp_lo') return 'UINTEGER';
  return 'VARCHAR';
}

/** c) DuckDB reads the batch's NDJSON file itself (the file is written before the timer's load step). */
async function readJson(conn: DuckDBConnection, b: LoaderBatch, file: string): Promise<void> {
  await inTransaction(conn, b, async () => {
    await conn.run(
      `INSERT INTO events (${EVENT_COLUMN_ORDER.join(', ')}) SELECT ${EVENT_COLUMN_ORDER.join(', ')}
       FROM read_json('${file}', columns = ${JSON_COLUMNS}, format = 'newline_delimited')`,
    );
  });
}

/** d) One INSERT … SELECT unnest($k) per batch, every column bound as one LIST parameter. */
async function unnestLists(conn: DuckDBConnection, b: LoaderBatch): Promise<void> {
  await inTransaction(conn, b, async () => {
    const sql = `INSERT INTO events (${EVENT_COLUMN_ORDER.join(', ')}) SELECT ${EVENT_COLUMN_ORDER.map(
      (_, k) => `unnest($${k + 1})`,
    ).join(', ')}`;
    const statement = await conn.prepare(sql);
    const values: DuckDBValue[] = [];
    const types: DuckDBType[] = [];
    for (const column of EVENT_COLUMN_ORDER) {
      const t = duckType(column);
      const items: DuckDBValue[] = new Array(b.cols.length);
      for (let i = 0; i < b.cols.length; i++) {
        const v = value(b, column, i);
        items[i] = t === 'BIGINT' ? BigInt(v) : v;
      }
      values.push(listValue(items));
      types.push(LIST(t === 'BIGINT' ? BIGINT : t === 'UINTEGER' ? UINTEGER : VARCHAR));
    }
    statement.bind(values, types);
    await statement.run();
  });
}

export type LoaderOptionName = 'row-appender' | 'chunk-appender' | 'read-json' | 'unnest-lists';
export const LOADER_OPTIONS: Record<
  LoaderOptionName,
  (conn: DuckDBConnection, b: LoaderBatch, scratchFile: string) => Promise<void>
> = {
  'row-appender': rowAppender,
  'chunk-appender': chunkAppender,
  'read-json': readJson,
  'unnest-lists': unnestLists,
};
