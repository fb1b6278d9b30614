import {
  customPropertyKey,
  type FilterColumnProperty,
  type FilterProperty,
  type QueryFilter,
} from '@sightline/schema';
import type { SqlDialect } from '../sql/dialect.js';
import { inList, join, raw, type SqlFragment, sql } from '../sql/sql.js';
import {
  referrerDomainSql,
  UTM_PARAMETERS,
  type UtmParameter,
  urlHostSql,
  utmSql,
} from '../storage/entry-dimensions.js';

/**
 * The common `filters` argument as SQL: one condition on `events` rows (docs/SEMANTICS.md, Filters).
 * Values always travel as parameters; only code-chosen column names and patterns are SQL text.
 * The derived properties (referrer_domain, utm_*) are exported so queries that group by them
 * (sources) read exactly what the filters compare.
 */

// The derived properties are defined with the other entry dimensions (the breakdowns and the DuckDB
// session-entry rollup read the same expressions).
export { referrerDomainSql, UTM_PARAMETERS, type UtmParameter, urlHostSql, utmSql };

const COLUMNS: Record<FilterColumnProperty, (dialect: SqlDialect) => SqlFragment> = {
  path: () => raw('path'),
  browser: () => raw('browser'),
  os: () => raw('os'),
  device: () => raw('device'),
  country: () => raw('country'),
  event: () => raw('event'),
  referrer_domain: referrerDomainSql,
  utm_source: (dialect) => utmSql(dialect, 'utm_source'),
  utm_medium: (dialect) => utmSql(dialect, 'utm_medium'),
  utm_campaign: (dialect) => utmSql(dialect, 'utm_campaign'),
};

/** The text a filter compares, for one event row. */
export function filterPropertySql(property: FilterProperty, dialect: SqlDialect): SqlFragment {
  const key = customPropertyKey(property);
  if (key !== null) return dialect.jsonString(raw('properties'), key);
  return COLUMNS[property as FilterColumnProperty](dialect);
}

function conditionSql(filter: QueryFilter, dialect: SqlDialect): SqlFragment {
  const value = filterPropertySql(filter.property, dialect);
  const values = Array.isArray(filter.value) ? filter.value : [filter.value];
  switch (filter.op) {
    case 'eq':
      return sql`${value} = ${values[0] ?? ''}`;
    case 'neq':
      return sql`${value} <> ${values[0] ?? ''}`;
    case 'contains':
      return dialect.containsIgnoreCase(value, sql`${values[0] ?? ''}`);
    case 'in':
      return inList(value, values);
  }
}

/**
 * One condition an `events` row meets when it meets every filter (`1 = 1` for none): append it
 * with AND to a WHERE on events. (`1 = 1`, not TRUE: ClickHouse 18.16 has no boolean literals.)
 */
export function filterCondition(
  filters: readonly QueryFilter[] | undefined,
  dialect: SqlDialect,
): SqlFragment {
  if (!filters || filters.length === 0) return raw('1 = 1');
  return join(
    filters.map((filter) => sql`(${conditionSql(filter, dialect)})`),
    ' AND ',
  );
}

/** Whether any filter is given: queries read their rollup-backed path only without one. */
export function hasFilters(filters: readonly QueryFilter[] | undefined): filters is readonly QueryFilter[] {
  return filters !== undefined && filters.length > 0;
}
