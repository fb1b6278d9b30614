import type { DuckDBConnection } from '@duckdb/node-api';
import { type AnyRecordTable, type ColumnSpec, columnsOf } from '../records/columns.js';
import { RECORD_TABLES } from '../records/tables.js';
import { ADDED_EVENT_COLUMNS } from '../stored-event.js';
import { addedEventColumn, DUCKDB_TYPES, recordTableDdl, zeroLiteral } from './ddl.js';
import { inTransaction } from './transaction.js';

/**
 * Adds to `events` the columns of ADDED_EVENT_COLUMNS a file made by an older version lacks, in
 * their declared order (ALTER TABLE … ADD COLUMN: metadata only, however many rows; the stored
 * rows read the default). Returns the names of the columns added.
 */
export async function migrateEventColumns(conn: DuckDBConnection): Promise<string[]> {
  const existing = await columnsInFile(conn, 'events');
  const missing = ADDED_EVENT_COLUMNS.filter(({ name }) => !existing.has(name));
  for (const { name, spec } of missing) {
    await conn.run(`ALTER TABLE events ADD COLUMN IF NOT EXISTS ${addedEventColumn(name, spec)}`);
  }
  return missing.map(({ name }) => name);
}

/**
 * Brings a database file's record tables to their declared shape (records/tables.ts) at open.
 * A table that is missing is created. A table whose columns (names, order, types) differ from its
 * declaration is rebuilt in one transaction: a new table of the declared shape takes every row,
 * each declared column copied from the column of the same name (cast to its type), or, where the
 * old table has none, NULL for a nullable column and the kind's zero otherwise (`node` 0: a DuckDB
 * file is one node); columns no longer declared are dropped (e.g. the old `session_key`, derived
 * from project and session). Rebuilding, rather than ALTER TABLE, keeps the columns in declared
 * order, which the appender writes in. Returns the names of the tables rebuilt.
 */
export async function migrateRecordTables(
  conn: DuckDBConnection,
  tables: readonly AnyRecordTable[] = RECORD_TABLES,
): Promise<string[]> {
  const rebuilt: string[] = [];
  for (const table of tables) {
    const existing = await columnsInFile(conn, table.name);
    if (existing.size === 0) {
      await conn.run(recordTableDdl(table));
      continue;
    }
    if (sameShape(table, existing)) continue;
    await rebuild(conn, table, existing);
    rebuilt.push(table.name);
  }
  return rebuilt;
}

/** Column name → DuckDB type, in the file's column order. */
async function columnsInFile(conn: DuckDBConnection, table: string): Promise<Map<string, string>> {
  const reader = await conn.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return new Map(reader.getRows().map(([name, type]) => [String(name), String(type)]));
}

function sameShape(table: AnyRecordTable, existing: Map<string, string>): boolean {
  const declared = columnsOf(table).map(([name, spec]) => `${name} ${DUCKDB_TYPES[spec.kind]}`);
  const found = [...existing].map(([name, type]) => `${name} ${type}`);
  return declared.join() === found.join();
}

/** What a declared column takes from the old table. */
function carriedValue(name: string, spec: ColumnSpec, existing: Map<string, string>): string {
  const type = DUCKDB_TYPES[spec.kind];
  if (existing.has(name)) return `CAST(${name} AS ${type})`;
  if (spec.nullable) return `CAST(NULL AS ${type})`;
  return zeroLiteral(spec);
}

async function rebuild(conn: DuckDBConnection, table: AnyRecordTable, existing: Map<string, string>) {
  const next = `${table.name}__migrating`;
  const values = columnsOf(table).map(([name, spec]) => carriedValue(name, spec, existing));
  await inTransaction(conn, async () => {
    await conn.run(`DROP TABLE IF EXISTS ${next}`);
    await conn.run(recordTableDdl(table, next));
    await conn.run(`INSERT INTO ${next} SELECT ${values.join(', ')} FROM ${table.name}`);
    await conn.run(`DROP TABLE ${table.name}`);
    await conn.run(`ALTER TABLE ${next} RENAME TO ${table.name}`);
  });
}
