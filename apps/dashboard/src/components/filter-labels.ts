import {
  customPropertyKey,
  type FilterColumnProperty,
  type FilterOp,
  type FilterProperty,
  type QueryFilter,
} from '@sightline/schema/query-results';

/**
 * Words for the filter vocabulary of @sightline/schema. Keyed by its types, so a property or op
 * added there fails the typecheck until it has a label here.
 */
export const PROPERTY_LABELS: Readonly<Record<FilterColumnProperty, string>> = {
  path: 'Page',
  browser: 'Browser',
  os: 'OS',
  device: 'Device',
  country: 'Country',
  referrer_domain: 'Referrer',
  utm_source: 'UTM source',
  utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign',
  event: 'Event',
};

export const OP_LABELS: Readonly<Record<FilterOp, string>> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  in: 'is one of',
};

export function propertyLabel(property: FilterProperty): string {
  const key = customPropertyKey(property);
  return key === null ? PROPERTY_LABELS[property as FilterColumnProperty] : key;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** A country code's English name ("GB" → "United Kingdom"); '' is an unknown country. */
export function countryName(code: string): string {
  if (code === '') return 'Unknown';
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** How a compared value reads: countries by name, the empty value as "(none)". */
export function valueLabel(property: FilterProperty, value: string): string {
  if (value === '') return '(none)';
  return property === 'country' ? countryName(value) : value;
}

/** "Page is /pricing", "Country is one of United Kingdom, Netherlands". */
export function describeFilter(filter: QueryFilter): string {
  const values = Array.isArray(filter.value) ? filter.value : [filter.value];
  return `${propertyLabel(filter.property)} ${OP_LABELS[filter.op]} ${values
    .map((v) => valueLabel(filter.property, v))
    .join(', ')}`;
}
