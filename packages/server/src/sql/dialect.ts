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
  /**
   * Aggregate: the nearest-rank quantile of the non-NULL values (the value at 1-based position
   * ceil(q·n) of the sorted values, the first when q·n < 1); NULL when there are none.
   * Same definition as query/percentile.ts, so SQL and TypeScript answers agree.
   */
  quantile(expr: SqlFragment, q: number): SqlFragment;
  /**
   * Aggregate: quantile() of each of `qs` in one pass, as a list (read element i + 1 with
   * listElement); NULL or NULL elements when there are no values.
   */
  quantiles(expr: SqlFragment, qs: readonly number[]): SqlFragment;
  /** Aggregate: the values as a list, in any order (several in one GROUP BY keep one order, so lists stay parallel). */
  listAgg(expr: SqlFragment): SqlFragment;
  /** Aggregate: the values (text) joined by a code-chosen separator, in any order ('' or NULL for none). */
  stringAgg(expr: SqlFragment, separator: string): SqlFragment;
  /** True when `needle` occurs in `text`, ignoring case; the needle is plain text, not a pattern. */
  containsIgnoreCase(text: SqlFragment, needle: SqlFragment): SqlFragment;
  /**
   * The first capture group of the first match of an RE2 `pattern` in `text`; '' when none matches.
   * The pattern is code-chosen text (engines may inline it so it is compiled once), never a user's.
   */
  regexpExtract(text: SqlFragment, pattern: string): SqlFragment;
  /** A query-string value percent-decoded, `+` read as a space (a malformed escape stays as sent). */
  urlDecode(text: SqlFragment): SqlFragment;
  /**
   * True when `expr` equals one of `values` (up to thousands of code-chosen strings without
   * U+001F, e.g. a list of known hosts), looked up in a hash set, also inside CASE.
   */
  inSet(expr: SqlFragment, values: readonly string[]): SqlFragment;
  /** A number as its decimal text (integers without a fraction). */
  toText(expr: SqlFragment): SqlFragment;
  /** A string's UTF-8 bytes as upper-case hex (safe to embed in packed text). */
  hex(expr: SqlFragment): SqlFragment;
  /**
   * Aggregate: `value` of the row with the smallest (keys…) tuple among rows where `condition`
   * holds; NULL (or the type's default) when none does.
   */
  argMinIf(value: SqlFragment, keys: readonly SqlFragment[], condition: SqlFragment): SqlFragment;
  /** Aggregate: `value` of the row with the smallest (keys…) tuple (argMinIf over every row, cheaper). */
  argMin(value: SqlFragment, keys: readonly SqlFragment[]): SqlFragment;
  /** Aggregate: `value` of the row with the largest (keys…) tuple. */
  argMax(value: SqlFragment, keys: readonly SqlFragment[]): SqlFragment;
  /** Aggregate: the `value`s of the `count` rows with the smallest `key`, as a list in `key` order. */
  firstByN(value: SqlFragment, key: SqlFragment, count: number): SqlFragment;
  /** An integer 0 … buckets−1 from a hash of the value: splits units into chunks of similar size. */
  hashBucket(expr: SqlFragment, buckets: number): SqlFragment;
  /**
   * A select-list expression that repeats its row once per index 0 … count−1 and yields the index
   * (an unpivot without a join; alias it and read the alias one query level up).
   */
  rowPerIndex(count: number): SqlFragment;
  /** The 1-based position of `value` in a list column; NULL or 0 when absent. */
  listPosition(list: SqlFragment, value: SqlFragment): SqlFragment;
  /** The element of a list column at a position from listPosition; NULL when that was absent. */
  listElement(list: SqlFragment, position: SqlFragment): SqlFragment;
  /** The list's first `count` elements (all of a shorter list). */
  listHead(list: SqlFragment, count: number): SqlFragment;
  /** The number of elements of a list. */
  listLength(list: SqlFragment): SqlFragment;
  /**
   * A select-list expression that repeats its row once per element of a list and yields the
   * element's 1-based position (read elements of parallel lists with listElement one level up).
   */
  listPositions(list: SqlFragment): SqlFragment;
  /**
   * A sub-query with columns (a, b): every pair of consecutive `value`s within each `partition`
   * of the rows of `from`, in the order of `keys`. (Engines without window functions sort per
   * partition instead; the answer is the same.)
   */
  consecutivePairs(from: SqlFragment, partition: string, keys: readonly string[], value: string): SqlFragment;
  /**
   * A sub-query with one row per `partition` of `from`: `len` = min(rows, count) and v1 … v<count>,
   * the first `count` values in the order of `keys` (past `len` their content is undefined).
   */
  firstValues(
    from: SqlFragment,
    partition: string,
    keys: readonly string[],
    value: string,
    count: number,
  ): SqlFragment;
  /**
   * A sub-query with every row of `from` as (`partition`, …`columns`) plus, within its partition
   * (one column, or several separated by commas)
   * in the order of `keys`: `seq_pos` (1-based) and `next_<c>` for each of `next`: that column of
   * the following row, NULL on the last (so a non-NULL column's `next_` tells the last row).
   */
  inSequence(
    from: SqlFragment,
    partition: string,
    keys: readonly string[],
    columns: readonly string[],
    next: readonly string[],
  ): SqlFragment;
}
