import { type AnyRecordTable, type ColumnKind, type ColumnSpec, columnsOf } from '../records/columns.js';
import { ADDED_EVENT_COLUMNS } from '../stored-event.js';

/** Each column kind's DuckDB type (as information_schema names it, so migrations can compare). JSON is text. */
export const DUCKDB_TYPES: Record<ColumnKind, string> = {
  string: 'VARCHAR',
  int64: 'BIGINT',
  uint16: 'USMALLINT',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  json: 'VARCHAR',
};

/**
 * `events`. `fp_hi`/`fp_lo`: the 64-bit fingerprint of (project_id, uuid) that dedupe rebuilds from
 * at start (event-dedupe.ts). Then the columns added since (ADDED_EVENT_COLUMNS), declared as
 * migrations.ts adds them to older files: DuckDB cannot add a NOT NULL column, so they have a
 * default instead and the writers never leave them NULL.
 */
export const EVENTS_DDL = `CREATE TABLE IF NOT EXISTS events (
    project_id VARCHAR NOT NULL,
    uuid VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    event VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    timestamp BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    url VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    referrer VARCHAR NOT NULL,
    browser VARCHAR NOT NULL,
    os VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    properties VARCHAR NOT NULL,
    fp_hi UINTEGER NOT NULL,
    fp_lo UINTEGER NOT NULL${ADDED_EVENT_COLUMNS.map(({ name, spec }) => `,\n    ${addedEventColumn(name, spec)}`).join('')}
  )`;

/** The kind's zero as a DuckDB literal: what a column added to existing rows holds in them. */
export function zeroLiteral(spec: ColumnSpec): string {
  const zero = { string: "''", json: "'null'", bool: 'FALSE', int64: '0', uint16: '0', float64: '0' }[
    spec.kind
  ];
  return `CAST(${zero} AS ${DUCKDB_TYPES[spec.kind]})`;
}

/** A column of ADDED_EVENT_COLUMNS as created and as added (migrations.ts). */
export function addedEventColumn(name: string, spec: ColumnSpec): string {
  return `${name} ${DUCKDB_TYPES[spec.kind]} DEFAULT ${zeroLiteral(spec)}`;
}

/**
 * A record table (records/tables.ts) as a DuckDB table. No primary key: a `put` deletes the keys
 * and appends in one transaction, which DuckDB's eager unique checks would refuse.
 */
export function recordTableDdl(table: AnyRecordTable, name = table.name): string {
  const columns = columnsOf(table).map(
    ([column, spec]) => `${column} ${DUCKDB_TYPES[spec.kind]}${spec.nullable ? '' : ' NOT NULL'}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${name} (\n    ${columns.join(',\n    ')}\n  )`;
}
