import type { SqlDialect } from '../../sql/dialect.js';
import { join, raw, sql } from '../../sql/sql.js';

/**
 * A top-level property as a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`, nothing else escaped).
 * Any key a client can send is addressable this way; the `$."key"` path form has no escape for a
 * trailing backslash (`breakdown: "a\\"` failed the query with 500).
 */
const jsonPointer = (key: string): string => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  countDistinct: (expr) => sql`count(DISTINCT ${expr})`,
  jsonString: (column, key) => sql`coalesce(json_extract_string(${column}, ${jsonPointer(key)}), '')`,
  jsonNumber: (column, key) => sql`TRY_CAST(json_extract(${column}, ${jsonPointer(key)}) AS DOUBLE)`,
  timeBucket: (msColumn, unit) =>
    sql`(${msColumn} // ${raw(String(BUCKET_MS[unit]))}) * ${raw(String(BUCKET_MS[unit]))}`,
  // quantile_disc is nearest-rank (checked against query/percentile.ts by the query tests).
  quantile: (expr, q) => sql`quantile_disc(${expr}, ${raw(String(q))})`,
  stringAgg: (expr, separator) => sql`string_agg(${expr}, ${separator})`,
  toText: (expr) => sql`CAST(${expr} AS VARCHAR)`,
  hex: (expr) => sql`hex(${expr})`,
  // arg_min skips rows whose ordering value is NULL.
  argMinIf: (value, keys, condition) =>
    sql`arg_min(${value}, CASE WHEN ${condition} THEN (${join(keys)}) END)`,
  hashBucket: (expr, buckets) => sql`(hash(${expr}) % ${raw(String(Math.trunc(buckets)))})`,
  rowPerIndex: (count) => sql`unnest(range(${raw(String(Math.trunc(count)))}))`,
  // list_position is NULL for a missing value, and a NULL index gives NULL.
  listPosition: (list, value) => sql`list_position(${list}, ${value})`,
  listElement: (list, position) => sql`${list}[${position}]`,
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
};
