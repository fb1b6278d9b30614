import type { SqlDialect } from '../../sql/dialect.js';
import { inList, join, raw, type SqlFragment, sql } from '../../sql/sql.js';

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * ClickHouse SQL that runs on 18.16 (no JSONExtract*, no window functions) and on 26.x alike.
 * `visitParam*` reads a top-level-looking `"key":` anywhere in the text (it does not parse the
 * JSON): it unescapes \" \\ \n \uXXXX like a JSON parser, but a key written with escapes, or the
 * same key in a nested object before the top-level one, reads differently from DuckDB
 * (docs/SCALING.md, "ClickHouse and DuckDB differences").
 */
/** One row per partition: `l`, its values ordered by the keys (tuples sort element by element). */
function sortedPerPartition(
  from: SqlFragment,
  partition: string,
  keys: readonly string[],
  value: string,
): SqlFragment {
  return sql`SELECT arrayMap(t -> tupleElement(t, ${raw(String(keys.length + 1))}),
      arraySort(groupArray(tuple(${raw([...keys, value].join(', '))})))) AS l
    FROM (${from}) AS r GROUP BY ${raw(partition)}`;
}

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
  quantiles: (expr, qs) => sql`[${join(qs.map((q) => clickhouseDialect.quantile(expr, q)))}]`,
  listAgg: (expr) => sql`groupArray(${expr})`,
  stringAgg: (expr, separator) => sql`arrayStringConcat(groupArray(${expr}), ${separator})`,
  // A plain substring search (no pattern characters), case folded as UTF-8 text.
  containsIgnoreCase: (text, needle) => sql`positionCaseInsensitiveUTF8(${text}, ${needle}) > 0`,
  // extract() answers the first capture group ('' when nothing matches), like DuckDB's regexp_extract(…, 1).
  regexpExtract: (text, pattern) => sql`extract(${text}, ${pattern})`,
  urlDecode: (text) => sql`decodeURLComponent(replaceAll(${text}, '+', ' '))`,
  // A constant IN list becomes one hash set per query.
  inSet: (expr, values) => inList(expr, values),
  toText: (expr) => sql`toString(${expr})`,
  hex: (expr) => sql`hex(${expr})`,
  argMinIf: (value, keys, condition) => sql`argMinIf(${value}, tuple(${join(keys)}), ${condition})`,
  argMin: (value, keys) => sql`argMin(${value}, tuple(${join(keys)}))`,
  argMax: (value, keys) => sql`argMax(${value}, tuple(${join(keys)}))`,
  firstByN: (value, key, count) =>
    sql`arraySlice(arrayMap(t -> tupleElement(t, 2), arraySort(groupArray(tuple(${key}, ${value})))), 1, ${raw(String(Math.trunc(count)))})`,
  hashBucket: (expr, buckets) => sql`(cityHash64(${expr}) % ${raw(String(Math.trunc(buckets)))})`,
  rowPerIndex: (count) => sql`arrayJoin(range(${raw(String(Math.trunc(count)))}))`,
  // indexOf is 0 for a missing value, and arr[0] is the type's default, not NULL.
  listPosition: (list, value) => sql`indexOf(${list}, ${value})`,
  listElement: (list, position) => sql`if(${position} = 0, NULL, ${list}[${position}])`,
  listHead: (list, count) => sql`arraySlice(${list}, 1, ${raw(String(Math.trunc(count)))})`,
  listLength: (list) => sql`length(${list})`,
  listPositions: (list) => sql`arrayJoin(arrayEnumerate(${list}))`,
  // 18.16 has no window functions: each partition's values as one array sorted by (keys…, value).
  consecutivePairs: (from, partition, keys, value) =>
    sql`SELECT tupleElement(pair, 1) AS a, tupleElement(pair, 2) AS b
      FROM (SELECT arrayJoin(arrayMap((x, y) -> tuple(x, y), arrayPopBack(l), arrayPopFront(l))) AS pair
            FROM (${sortedPerPartition(from, partition, keys, value)}) AS s) AS x`,
  firstValues: (from, partition, keys, value, count) => {
    const values = Array.from({ length: count }, (_, i) => `l[${i + 1}] AS v${i + 1}`);
    return sql`SELECT least(length(l), ${raw(String(Math.trunc(count)))}) AS len, ${raw(values.join(', '))}
      FROM (${sortedPerPartition(from, partition, keys, value)}) AS s`;
  },
  // Each partition as one array of (keys…, columns…) tuples sorted by the keys, joined back to rows.
  inSequence: (from, partition, keys, columns, next) => {
    const tuple = [...keys, ...columns];
    const at = (c: string) => tuple.indexOf(c) + 1;
    const values = columns.map((c) => `, tupleElement(r, ${at(c)}) AS ${c}`).join('');
    const following = next
      .map((c) => `, if(seq_pos < length(l), tupleElement(l[seq_pos + 1], ${at(c)}), NULL) AS next_${c}`)
      .join('');
    // Several partition columns travel as one tuple.
    const parts = partition.split(',').map((c) => c.trim());
    const part = parts.length > 1 ? `tuple(${parts.join(', ')})` : partition;
    const named =
      parts.length > 1
        ? parts.map((c, i) => `tupleElement(part, ${i + 1}) AS ${c}`).join(', ')
        : `part AS ${partition}`;
    return sql`SELECT ${raw(named)}${raw(values)}, seq_pos${raw(following)}
      FROM (SELECT ${raw(part)} AS part, arraySort(groupArray(tuple(${raw(tuple.join(', '))}))) AS l
            FROM (${from}) AS x GROUP BY ${raw(partition)}) AS s
      ARRAY JOIN l AS r, arrayEnumerate(l) AS seq_pos`;
  },
};
