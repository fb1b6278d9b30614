import type { SqlDialect } from '../../query/dialect.js';
import { join, raw, sql } from '../../query/sql.js';

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * ClickHouse SQL that runs on 18.16 (no JSONExtract*, no window functions) and on 26.x alike.
 * `visitParam*` reads a top-level-looking `"key":` anywhere in the text (it does not parse the
 * JSON): it unescapes \" \\ \n \uXXXX like a JSON parser, but a key written with escapes, or the
 * same key in a nested object before the top-level one, reads differently from DuckDB
 * (docs/SCALING.md, "ClickHouse and DuckDB differences").
 */
export const clickhouseDialect: SqlDialect = {
  name: 'clickhouse',
  countDistinct: (expr) => sql`uniqExact(${expr})`,
  jsonString: (column, key) => sql`visitParamExtractString(${column}, ${key})`,
  // A number only where the raw value is one: DuckDB's TRY_CAST gives NULL for "2", null, true.
  jsonNumber: (column, key) =>
    sql`if(match(visitParamExtractRaw(${column}, ${key}), '^-?[0-9]'), visitParamExtractFloat(${column}, ${key}), NULL)`,
  timeBucket: (msColumn, unit) =>
    sql`intDiv(${msColumn}, ${raw(String(BUCKET_MS[unit]))}) * ${raw(String(BUCKET_MS[unit]))}`,
  // Nearest rank (query/percentile.ts): ClickHouse's quantileExact picks position floor(q·n) instead.
  quantile: (expr, q) =>
    sql`if(count(${expr}) = 0, NULL, arrayElement(arraySort(groupArray(${expr})), toUInt64(greatest(1, ceil(${raw(String(q))} * count(${expr}))))))`,
  stringAgg: (expr, separator) => sql`arrayStringConcat(groupArray(${expr}), ${separator})`,
  toText: (expr) => sql`toString(${expr})`,
  hex: (expr) => sql`hex(${expr})`,
  argMinIf: (value, keys, condition) => sql`argMinIf(${value}, tuple(${join(keys)}), ${condition})`,
  rowPerIndex: (count) => sql`arrayJoin(range(${raw(String(Math.trunc(count)))}))`,
  // Sorting (keys…, value) tuples orders by the keys first; the value is the last element.
  sortedList: (value, keys) =>
    sql`arrayMap(x -> tupleElement(x, ${raw(String(keys.length + 1))}), arraySort(groupArray(tuple(${join(keys)}, ${value}))))`,
  listLength: (list) => sql`length(${list})`,
  neighbours: (list, combine) =>
    sql`arrayJoin(arrayMap((pair_a, pair_b) -> ${combine(raw('pair_a'), raw('pair_b'))}, arrayPopBack(${list}), arrayPopFront(${list})))`,
};
