import type { SqlDialect } from '../../sql/dialect.js';
import { join, raw, sql } from '../../sql/sql.js';

/**
 * A top-level property as a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`, nothing else escaped).
 * Any key a client can send is addressable this way; the `$."key"` path form has no escape for a
 * trailing backslash (`breakdown: "a\\"` failed the query with 500).
 */
const jsonPointer = (key: string): string => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;

/** Code-chosen text as a DuckDB string literal: a constant pattern is compiled once, not per row. */
const duckdbStringLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Separates inSet's values in its one parameter (chr(31), the unit separator). */
const SET_SEPARATOR = '\u001f';

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  countDistinct: (expr) => sql`count(DISTINCT ${expr})`,
  jsonString: (column, key) => sql`coalesce(json_extract_string(${column}, ${jsonPointer(key)}), '')`,
  // Only a JSON number: TRY_CAST alone reads "1920" as 1920 and true as 1 (ClickHouse gives NULL).
  jsonNumber: (column, key) => {
    const value = sql`json_extract(${column}, ${jsonPointer(key)})`;
    return sql`CASE WHEN json_type(${value}) IN ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') THEN TRY_CAST(${value} AS DOUBLE) END`;
  },
  timeBucket: (msColumn, unit) =>
    sql`(${msColumn} // ${raw(String(BUCKET_MS[unit]))}) * ${raw(String(BUCKET_MS[unit]))}`,
  // quantile_disc is nearest-rank (checked against query/percentile.ts by the query tests).
  quantile: (expr, q) => sql`quantile_disc(${expr}, ${raw(String(q))})`,
  // One sort for every quantile: separate quantile_disc aggregates sort the values once each.
  quantiles: (expr, qs) => sql`quantile_disc(${expr}, [${raw(qs.map(String).join(', '))}])`,
  listAgg: (expr) => sql`list(${expr})`,
  stringAgg: (expr, separator) => sql`string_agg(${expr}, ${separator})`,
  // contains() compares text, so `%` and `_` in the needle are plain characters (LIKE would need escaping).
  containsIgnoreCase: (text, needle) => sql`contains(lower(${text}), lower(${needle}))`,
  regexpExtract: (text, pattern) => sql`regexp_extract(${text}, ${raw(duckdbStringLiteral(pattern))}, 1)`,
  urlDecode: (text) => sql`url_decode(replace(${text}, '+', ' '))`,
  // A long IN list inside CASE is planned as one comparison per value and row (1,500 hosts took
  // seconds over 400 k rows); IN over a sub-query is a hash join. One parameter carries the list.
  inSet: (expr, values) => {
    if (values.length === 0) return raw('1 = 0');
    if (values.some((v) => v.includes(SET_SEPARATOR))) throw new TypeError('inSet: a value holds U+001F');
    return sql`(${expr} IN (SELECT unnest(string_split(${values.join(SET_SEPARATOR)}, chr(31)))))`;
  },
  toText: (expr) => sql`CAST(${expr} AS VARCHAR)`,
  hex: (expr) => sql`hex(${expr})`,
  // arg_min skips rows whose ordering value is NULL.
  argMinIf: (value, keys, condition) =>
    sql`arg_min(${value}, CASE WHEN ${condition} THEN (${join(keys)}) END)`,
  argMin: (value, keys) => sql`arg_min(${value}, (${join(keys)}))`,
  argMax: (value, keys) => sql`arg_max(${value}, (${join(keys)}))`,
  firstByN: (value, key, count) => sql`min_by(${value}, ${key}, ${raw(String(Math.trunc(count)))})`,
  hashBucket: (expr, buckets) => sql`(hash(${expr}) % ${raw(String(Math.trunc(buckets)))})`,
  rowPerIndex: (count) => sql`unnest(range(${raw(String(Math.trunc(count)))}))`,
  // list_position is NULL for a missing value, and a NULL index gives NULL.
  listPosition: (list, value) => sql`list_position(${list}, ${value})`,
  listElement: (list, position) => sql`${list}[${position}]`,
  listHead: (list, count) => sql`list_slice(${list}, 1, ${raw(String(Math.trunc(count)))})`,
  listLength: (list) => sql`len(${list})`,
  listPositions: (list) => sql`unnest(generate_series(1, len(${list})))`,
  // Window functions: the sort spills to disk, where per-session lists did not fit 1 GB at 10 M events.
  consecutivePairs: (from, partition, keys, value) =>
    sql`SELECT a, b FROM (SELECT lag(${raw(value)}) OVER (PARTITION BY ${raw(partition)} ORDER BY ${raw(keys.join(', '))}) AS a,
        ${raw(value)} AS b FROM (${from}) AS r) AS w WHERE a IS NOT NULL`,
  firstValues: (from, partition, keys, value, count) => {
    const values = Array.from(
      { length: count },
      (_, i) => `max(CASE WHEN pos = ${i + 1} THEN v END) AS v${i + 1}`,
    );
    return sql`SELECT max(pos) AS len, ${raw(values.join(', '))}
      FROM (SELECT ${raw(partition)} AS part, ${raw(value)} AS v,
              row_number() OVER (PARTITION BY ${raw(partition)} ORDER BY ${raw(keys.join(', '))}) AS pos
            FROM (${from}) AS r) AS w
      WHERE pos <= ${raw(String(Math.trunc(count)))} GROUP BY part`;
  },
  inSequence: (from, partition, keys, columns, next) => {
    const following = next.map((c) => `, lead(${c}) OVER w AS next_${c}`).join('');
    // One window (one sort): a second one for the partition's length nearly doubled the time.
    return sql`SELECT ${raw([partition, ...columns].join(', '))}, row_number() OVER w AS seq_pos${raw(following)}
      FROM (${from}) AS r WINDOW w AS (PARTITION BY ${raw(partition)} ORDER BY ${raw(keys.join(', '))})`;
  },
};
