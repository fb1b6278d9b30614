import type { SqlDialect } from '../../query/dialect.js';
import { join, raw, sql } from '../../query/sql.js';

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  countDistinct: (expr) => sql`count(DISTINCT ${expr})`,
  jsonString: (column, key) =>
    sql`coalesce(json_extract_string(${column}, ${`$."${key.replaceAll('"', '\\"')}"`}), '')`,
  jsonNumber: (column, key) =>
    sql`TRY_CAST(json_extract(${column}, ${`$."${key.replaceAll('"', '\\"')}"`}) AS DOUBLE)`,
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
  rowPerIndex: (count) => sql`unnest(range(${raw(String(Math.trunc(count)))}))`,
  sortedList: (value, keys) => sql`list(${value} ORDER BY ${join(keys)})`,
  listLength: (list) => sql`len(${list})`,
  neighbours: (list, combine) =>
    sql`unnest(list_transform(range(1, len(${list})), pair_i -> ${combine(sql`${list}[pair_i]`, sql`${list}[pair_i + 1]`)}))`,
};
