import type { SqlFragment } from './sql.js';

/**
 * What differs between engines' SQL. Query modules are written once against this;
 * each engine supplies its own object (storage/<engine>/dialect.ts).
 */
export interface SqlDialect {
  readonly name: string;
  /** Distinct count of an expression. */
  countDistinct(expr: SqlFragment): SqlFragment;
  /** A string property of the JSON `properties` column, '' when missing. */
  jsonString(column: SqlFragment, key: string): SqlFragment;
  /** A numeric property of the JSON `properties` column, NULL when missing. */
  jsonNumber(column: SqlFragment, key: string): SqlFragment;
  /** Start of the bucket (ms since epoch) holding a ms timestamp. */
  timeBucket(msColumn: SqlFragment, unit: 'minute' | 'hour' | 'day'): SqlFragment;
}
