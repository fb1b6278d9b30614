import {
  FILTER_CUSTOM_PREFIX,
  FILTER_IN_MAX_VALUES,
  FILTER_OPS,
  FILTER_PROPERTIES,
  FILTER_PROPERTY_KEY_PATTERN,
  FILTER_VALUE_MAX_LENGTH,
  type FilterOp,
  type FilterProperty,
  MAX_FILTERS,
  type QueryFilter,
} from '@sightline/schema/query-results';
import { useCallback, useMemo } from 'react';
import { useUrlParams } from '../url-state';

/**
 * The filter bar's filters live in the URL, one `f` param each, so a link reproduces the view:
 * `?view=web&f=path:eq:/pricing&f=country:in:["GB","NL"]`. A property never holds `:` (the
 * vocabulary's key pattern excludes it) and an op is one word, so the value is everything after
 * the second `:`; an `in` filter's values are a JSON list. What the URL says is checked against
 * the vocabulary of @sightline/schema; an entry that is not a valid filter is left out.
 */
export const FILTER_PARAM = 'f';

export function isFilterProperty(text: string): text is FilterProperty {
  if ((FILTER_PROPERTIES as readonly string[]).includes(text)) return true;
  return (
    text.startsWith(FILTER_CUSTOM_PREFIX) &&
    FILTER_PROPERTY_KEY_PATTERN.test(text.slice(FILTER_CUSTOM_PREFIX.length))
  );
}

const isFilterOp = (text: string): text is FilterOp => (FILTER_OPS as readonly string[]).includes(text);

const validValue = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= FILTER_VALUE_MAX_LENGTH;

/** A filter as the server accepts it: `in` takes 1..FILTER_IN_MAX_VALUES values, the others one. */
export function isValidFilter(filter: QueryFilter): boolean {
  if (!isFilterProperty(filter.property) || !isFilterOp(filter.op)) return false;
  if (filter.op === 'in')
    return (
      Array.isArray(filter.value) &&
      filter.value.length >= 1 &&
      filter.value.length <= FILTER_IN_MAX_VALUES &&
      filter.value.every(validValue)
    );
  return validValue(filter.value);
}

export function formatFilterParam(filter: QueryFilter): string {
  const value = Array.isArray(filter.value) ? JSON.stringify(filter.value) : filter.value;
  return `${filter.property}:${filter.op}:${value}`;
}

export function parseFilterParam(text: string): QueryFilter | null {
  const first = text.indexOf(':');
  const second = first < 0 ? -1 : text.indexOf(':', first + 1);
  if (second < 0) return null;
  const property = text.slice(0, first);
  const op = text.slice(first + 1, second);
  const raw = text.slice(second + 1);
  if (!isFilterProperty(property) || !isFilterOp(op)) return null;
  let value: string | string[] = raw;
  if (op === 'in') {
    try {
      value = JSON.parse(raw) as string[];
    } catch {
      return null;
    }
  }
  const filter: QueryFilter = { property, op, value };
  return isValidFilter(filter) ? filter : null;
}

export const sameFilter = (a: QueryFilter, b: QueryFilter): boolean =>
  formatFilterParam(a) === formatFilterParam(b);

/** The URL's filters: valid ones only, no repeats, at most MAX_FILTERS. */
export function filtersFromParams(params: URLSearchParams): QueryFilter[] {
  const filters: QueryFilter[] = [];
  for (const text of params.getAll(FILTER_PARAM)) {
    const filter = parseFilterParam(text);
    if (filter && !filters.some((f) => sameFilter(f, filter))) filters.push(filter);
  }
  return filters.slice(0, MAX_FILTERS);
}

/**
 * Adding a filter picked from a row (`path is /pricing`): it replaces the `is` / `is one of` filter
 * on the same property, since AND-ing two "is" filters of one property would match nothing.
 */
export function withPickedFilter(filters: readonly QueryFilter[], picked: QueryFilter): QueryFilter[] {
  const replaced = (f: QueryFilter) => f.property === picked.property && (f.op === 'eq' || f.op === 'in');
  return [...filters.filter((f) => !replaced(f)), picked].slice(0, MAX_FILTERS);
}

export interface FilterActions {
  /** Adds a filter from the editor (as written; a repeat is ignored). */
  add(filter: QueryFilter): void;
  /** Adds `property is value` from a clicked row, replacing the property's other `is` filter. */
  pick(property: FilterProperty, value: string): void;
  remove(filter: QueryFilter): void;
  clear(): void;
}

/** The filter bar's filters (from the URL) and the ways to change them (each a history entry). */
export function useFilters(): [QueryFilter[], FilterActions] {
  const [params, setParams] = useUrlParams();
  const search = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the search text is the params' identity
  const filters = useMemo(() => filtersFromParams(params), [search]);
  const write = useCallback(
    (next: QueryFilter[]) => setParams({ [FILTER_PARAM]: next.map(formatFilterParam) }),
    [setParams],
  );
  const actions = useMemo<FilterActions>(
    () => ({
      add: (filter) => {
        if (!filters.some((f) => sameFilter(f, filter)) && filters.length < MAX_FILTERS)
          write([...filters, filter]);
      },
      pick: (property, value) => write(withPickedFilter(filters, { property, op: 'eq', value })),
      remove: (filter) => write(filters.filter((f) => !sameFilter(f, filter))),
      clear: () => write([]),
    }),
    [filters, write],
  );
  return [filters, actions];
}
