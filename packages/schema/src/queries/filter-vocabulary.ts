/**
 * The filters every web-analytics query takes (`filters`): conditions on single events, AND-ed.
 * docs/SEMANTICS.md (Filters) defines each property; the server turns them into SQL in
 * query/filters.ts. The constants are exported so the dashboard's filter bar offers exactly these.
 */

/** Properties a filter may name besides `properties.<key>`. */
export const FILTER_PROPERTIES = [
  'path',
  'browser',
  'os',
  'device',
  'country',
  'referrer_domain',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'event',
] as const;
export type FilterColumnProperty = (typeof FILTER_PROPERTIES)[number];

export const FILTER_OPS = ['eq', 'neq', 'contains', 'in'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** Filters per query at most: a filter bar holds a handful; 20 keeps the generated WHERE small. */
export const MAX_FILTERS = 20;
/** A compared value's length at most: longer than any path, host or campaign name seen in practice. */
export const FILTER_VALUE_MAX_LENGTH = 200;
/** Values of one `in` filter at most: a picked list, not a data dump; bounds the IN list's size. */
export const FILTER_IN_MAX_VALUES = 100;
/** A custom property key: characters that need no quoting in a JSON pointer, at most 100. */
export const FILTER_PROPERTY_KEY_PATTERN = /^[A-Za-z0-9_$.-]{1,100}$/;
/** The prefix naming a custom property of the event's `properties`. */
export const FILTER_CUSTOM_PREFIX = 'properties.';

/** `path`, …, or `properties.<key>`. */
export type FilterProperty = FilterColumnProperty | `properties.${string}`;

/** One condition on an event. `in` takes a list; the other ops one value. */
export interface QueryFilter {
  property: FilterProperty;
  op: FilterOp;
  value: string | string[];
}

/** The custom key of a `properties.<key>` filter, or null for a column property. */
export function customPropertyKey(property: FilterProperty): string | null {
  return property.startsWith(FILTER_CUSTOM_PREFIX) ? property.slice(FILTER_CUSTOM_PREFIX.length) : null;
}
