import { raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { QueryRow } from '../engine.js';
import { type AnyRecordTable, type ColumnSpec, columnsOf, type RecordTable } from './columns.js';
import type { RecordReader } from './executor.js';

/** A record's key as one comparable text (the key columns' values, in order). */
export function keyText(table: AnyRecordTable, record: object): string {
  const values = record as Record<string, unknown>;
  return JSON.stringify(table.key.map((column) => values[column]));
}

/** One record per key, the last of repeats (what writing them in order would leave). */
export function lastPerKey<T extends object>(table: AnyRecordTable, records: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const record of records) {
    const key = keyText(table, record);
    byKey.delete(key);
    byKey.set(key, record);
  }
  return [...byKey.values()];
}

/** A stored value as the record's field: JSON parsed, numbers as numbers, NULL as null. */
function fieldValue(spec: ColumnSpec, value: QueryRow[string]): unknown {
  if (value === null || value === undefined) return spec.nullable ? null : value;
  switch (spec.kind) {
    case 'json':
      return JSON.parse(String(value));
    case 'bool':
      return value === true;
    case 'string':
      return String(value);
    default:
      return Number(value);
  }
}

/** A row read back from any engine as its record. */
export function fromRow<Row, Key extends keyof Row & string>(
  table: RecordTable<Row, Key>,
  row: QueryRow,
): Row {
  const record: Record<string, unknown> = {};
  for (const [name, spec] of columnsOf(table)) record[name] = fieldValue(spec, row[name] ?? null);
  return record as Row;
}

/** Reads a table's records (every declared column) where `where` holds, in `orderBy` order. */
export async function selectRecords<Row, Key extends keyof Row & string>(
  reader: RecordReader,
  table: RecordTable<Row, Key>,
  where: SqlFragment = raw('1 = 1'),
  orderBy?: string,
): Promise<Row[]> {
  const columns = raw(
    columnsOf(table)
      .map(([name]) => name)
      .join(', '),
  );
  const order = orderBy ? raw(` ORDER BY ${orderBy}`) : raw('');
  const rows = await reader.select(sql`SELECT ${columns} FROM ${raw(table.name)} WHERE ${where}${order}`);
  return rows.map((row) => fromRow(table, row));
}
