/**
 * How a record table is declared, once for every engine: its columns (in order) with a kind each
 * engine maps to its own type (DuckDB: duckdb/ddl.ts, ClickHouse: clickhouse/ddl.ts), and the key
 * a write replaces by. The row type is the record as the stores use it: JSON columns hold objects
 * (stored as JSON text), bool columns booleans, number columns numbers.
 */

/** string: text; int64 / uint16: integers (rounded when written); float64; bool; json: a value stored as JSON text. */
export type ColumnKind = 'string' | 'int64' | 'uint16' | 'float64' | 'bool' | 'json';

export interface ColumnSpec<K extends ColumnKind = ColumnKind> {
  readonly kind: K;
  readonly nullable: boolean;
}

/** The kinds a field of type V may be stored as. */
type KindFor<V> = V extends string
  ? 'string'
  : V extends number
    ? 'int64' | 'uint16' | 'float64'
    : V extends boolean
      ? 'bool'
      : 'json';

/** A field's column: nullable exactly when the field may be null. */
type SpecFor<V> = null extends V
  ? ColumnSpec<KindFor<NonNullable<V>>> & { readonly nullable: true }
  : ColumnSpec<KindFor<V>> & { readonly nullable: false };

/**
 * A record table. `columns` lists every field of Row, in column order (object key order), with a
 * kind that fits the field's type (checked by the compiler); `key` are the columns a `put`
 * replaces by and a `remove` names (ClickHouse's ORDER BY, in this order).
 */
export interface RecordTable<Row, Key extends keyof Row & string = keyof Row & string> {
  readonly name: string;
  readonly columns: { readonly [F in keyof Row]-?: SpecFor<Row[F]> };
  readonly key: readonly Key[];
}

/** What names one record of a table: its key columns. */
export type RecordKey<Row, Key extends keyof Row & string> = Pick<Row, Key>;

/** Any table, for code that walks every declaration (DDL, migrations, the engines' writers). */
export interface AnyRecordTable {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  readonly key: readonly string[];
}

const column = <K extends ColumnKind>(kind: K) => ({ kind, nullable: false as const });
const nullableColumn = <K extends ColumnKind>(kind: K) => ({ kind, nullable: true as const });

export const string = column('string');
export const int64 = column('int64');
export const uint16 = column('uint16');
export const float64 = column('float64');
export const bool = column('bool');
export const json = column('json');
export const nullableString = nullableColumn('string');
export const nullableInt64 = nullableColumn('int64');

/** The columns of a table in order, with their specs. */
export function columnsOf(table: AnyRecordTable): Array<[name: string, spec: ColumnSpec]> {
  return Object.entries(table.columns) as Array<[string, ColumnSpec]>;
}
