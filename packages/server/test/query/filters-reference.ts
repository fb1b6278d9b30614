import { customPropertyKey, type FilterProperty, type QueryFilter } from '@sightline/schema';
import type { EventRow } from '../../src/storage/engine.js';

/**
 * The common filters computed in TypeScript from the definitions in docs/SEMANTICS.md (Filters),
 * independently of the SQL in query/filters.ts: the tests compare the two.
 */

/** Host of `scheme://[user@]host…`, lower-cased, one leading `www.` dropped; '' otherwise. */
export function referrerDomainOf(referrer: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:www[.])?(\[[^\]/?#]*\]|[^/?#:]*)/.exec(
    referrer.toLowerCase(),
  );
  return match?.[1] ?? '';
}

function stringProperty(row: EventRow, key: string): string {
  const value = (JSON.parse(row.properties) as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

/** properties.<name> when a non-empty string, else the URL's first `<name>=` value, decoded. */
export function utmOf(row: EventRow, name: string): string {
  const fromProperties = stringProperty(row, name);
  if (fromProperties !== '') return fromProperties;
  const match = new RegExp(`[?&]${name}=([^&#]*)`).exec(row.url);
  return match ? decodeURIComponent((match[1] ?? '').replaceAll('+', ' ')) : '';
}

export function propertyOf(row: EventRow & { country?: string }, property: FilterProperty): string {
  const key = customPropertyKey(property);
  if (key !== null) return stringProperty(row, key);
  switch (property) {
    case 'referrer_domain':
      return referrerDomainOf(row.referrer);
    case 'utm_source':
    case 'utm_medium':
    case 'utm_campaign':
      return utmOf(row, property);
    case 'country':
      return row.country ?? '';
    default:
      return row[property as 'path' | 'browser' | 'os' | 'device' | 'event'];
  }
}

export function matchesFilter(row: EventRow, filter: QueryFilter): boolean {
  const actual = propertyOf(row, filter.property);
  const values = Array.isArray(filter.value) ? filter.value : [filter.value];
  switch (filter.op) {
    case 'eq':
      return actual === values[0];
    case 'neq':
      return actual !== values[0];
    case 'contains':
      return actual.toLowerCase().includes((values[0] ?? '').toLowerCase());
    case 'in':
      return values.includes(actual);
  }
}

export const matchesFilters = (row: EventRow, filters: readonly QueryFilter[] = []): boolean =>
  filters.every((filter) => matchesFilter(row, filter));
