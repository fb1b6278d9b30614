import { SCREEN_CLASSES } from '@sightline/schema';
import type { SqlDialect } from '../sql/dialect.js';
import { join, raw, type SqlFragment, sql } from '../sql/sql.js';

/**
 * What a session's entry event says about how it arrived and on what, for every engine: the
 * filters compare these values per event (query/filters.ts), the web breakdowns group sessions by
 * their entry event's (query/web/entry-rows.ts), and the DuckDB session-entry rollup
 * (duckdb/session-entry-rollup.ts) stores them per session-hour, so all three read one meaning.
 * Each is an expression over an `events` row (its own column names: url, referrer, properties…).
 */

/**
 * The host of an absolute URL (`scheme://[user@]host[:port]…`) lower-cased, without one leading
 * `www.`; '' for anything else (empty, `$direct`, a bare path). Bracketed IPv6 hosts keep their brackets.
 */
const URL_HOST_WITHOUT_WWW = '^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?(?:www[.])?(\\[[^\\]/?#]*\\]|[^/?#:]*)';

/** The host of the URL in `column` as above (sources compares the entry URL's with its referrer's). */
export function urlHostSql(dialect: SqlDialect, column: SqlFragment): SqlFragment {
  // Most events carry no referrer (only a visit's first page does): the pattern is skipped for them.
  return sql`(CASE WHEN ${column} = '' THEN '' ELSE ${dialect.regexpExtract(sql`lower(${column})`, URL_HOST_WITHOUT_WWW)} END)`;
}

/** referrer_domain: the referrer's host without `www.`, '' when the event has no referrer URL. */
export function referrerDomainSql(dialect: SqlDialect): SqlFragment {
  return urlHostSql(dialect, raw('referrer'));
}

export const UTM_PARAMETERS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;
export type UtmParameter = (typeof UTM_PARAMETERS)[number];

/**
 * A UTM parameter of the event: `properties.<name>` when it is a non-empty string (the sender
 * said so explicitly: posthog-js and Segment copy them there), else the first `<name>=` value of
 * the event URL's query string, percent-decoded; '' when neither has it.
 */
export function utmSql(dialect: SqlDialect, name: UtmParameter): SqlFragment {
  const fromProperties = dialect.jsonString(raw('properties'), name);
  // `name` is one of UTM_PARAMETERS: code-chosen, so safe inside the pattern.
  const fromUrl = dialect.urlDecode(dialect.regexpExtract(raw('url'), `[?&]${name}=([^&#]*)`));
  return sql`(CASE WHEN ${fromProperties} <> '' THEN ${fromProperties} ELSE ${fromUrl} END)`;
}

/**
 * The screen class (SCREEN_CLASSES) of a numeric screen width (`width`: the `properties` column's
 * `screen_width` by default); '' when it has none. Classes are tried widest first: the first whose
 * min_width the width reaches.
 */
export function screenClassSql(
  dialect: SqlDialect,
  width: SqlFragment = dialect.jsonNumber(raw('properties'), 'screen_width'),
): SqlFragment {
  const widestFirst = [...SCREEN_CLASSES].reverse();
  return sql`(CASE WHEN ${width} IS NULL THEN '' ${join(
    widestFirst.map(({ name, min_width }) => sql`WHEN ${width} >= ${min_width} THEN ${name}`),
    ' ',
  )} ELSE ${SCREEN_CLASSES[0].name} END)`;
}

/**
 * The entry dimensions, each a text (never NULL) the web breakdowns group sessions by:
 * `url_host` is the entry URL's host (a referrer on it is the site's own, so no source).
 */
export const ENTRY_DIMENSIONS = [
  'distinct_id',
  'country',
  'browser',
  'os',
  'device',
  'screen',
  'referrer_domain',
  'url_host',
  ...UTM_PARAMETERS,
] as const;
export type EntryDimension = (typeof ENTRY_DIMENSIONS)[number];

/** The events columns the entry dimensions are computed from. */
export const ENTRY_SOURCE_COLUMNS = [
  'distinct_id',
  'country',
  'browser',
  'os',
  'device',
  'url',
  'referrer',
  'properties',
] as const;

/** One entry dimension as an expression over an `events` row (or a row with ENTRY_SOURCE_COLUMNS). */
export function entryDimensionSql(dialect: SqlDialect, dimension: EntryDimension): SqlFragment {
  switch (dimension) {
    case 'screen':
      return screenClassSql(dialect);
    case 'referrer_domain':
      return referrerDomainSql(dialect);
    case 'url_host':
      return urlHostSql(dialect, raw('url'));
    default:
      if (isPlainColumn(dimension)) return raw(dimension);
      return utmSql(dialect, dimension);
  }
}

type PlainColumn = Extract<EntryDimension, (typeof ENTRY_SOURCE_COLUMNS)[number]>;

/** A dimension that is an events column as it is (never NULL: every column has a default). */
function isPlainColumn(dimension: EntryDimension): dimension is PlainColumn {
  return (ENTRY_SOURCE_COLUMNS as readonly string[]).includes(dimension);
}

/** The screen width, read from the JSON once per row by selectEntryDimensions. */
const SCREEN_WIDTH = 'entry_screen_width';

/**
 * `SELECT [<leading>,] <dimension>, … FROM <rows>`: the `dimensions` of rows with
 * ENTRY_SOURCE_COLUMNS (each under its own name). The screen width is read from the JSON once a
 * level down: the screen class compares it with every class's width.
 */
export function selectEntryDimensions(
  dialect: SqlDialect,
  leading: SqlFragment | null,
  rows: SqlFragment,
  dimensions: readonly EntryDimension[] = ENTRY_DIMENSIONS,
): SqlFragment {
  // A plain column keeps its own name unaliased: ClickHouse reads `x AS x` over a computed x as a cyclic alias.
  const columns = join(
    dimensions.map((d) => {
      if (isPlainColumn(d)) return raw(d);
      const value =
        d === 'screen' ? screenClassSql(dialect, raw(SCREEN_WIDTH)) : entryDimensionSql(dialect, d);
      return sql`${value} AS ${raw(d)}`;
    }),
  );
  const width = dimensions.includes('screen')
    ? sql`, ${dialect.jsonNumber(raw('properties'), 'screen_width')} AS ${raw(SCREEN_WIDTH)}`
    : raw('');
  const selected = leading ? sql`${leading}, ${columns}` : columns;
  return sql`SELECT ${selected} FROM (SELECT *${width} FROM (${rows}) AS r) AS w`;
}
