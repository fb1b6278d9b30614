import {
  FILTER_CUSTOM_PREFIX,
  FILTER_PROPERTIES,
  type FilterProperty,
  type FunnelStep,
  type QueryFilter,
  type TimeRange,
} from '@sightline/schema';
import type { SqlDialect } from '../../sql/dialect.js';
import { inList, join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { filterCondition, filterPropertySql, hasFilters } from '../filters.js';

export type { FunnelStep };

/** A funnel to compute: the query's arguments, and the overview's and drop-offs' own funnels. */
export interface FunnelSpec {
  time_range: TimeRange;
  /** Event names, or `{ event, filters }` for a step whose events must also meet its filters. */
  steps: readonly FunnelStep[];
  unit: 'session' | 'user';
  window_ms: number;
  breakdown?: string | undefined;
  /** Conditions every step's events meet (the common `filters`), AND-ed with a step's own. */
  filters?: readonly QueryFilter[] | undefined;
}

/** The step's event name. */
export const stepEvent = (step: FunnelStep): string => (typeof step === 'string' ? step : step.event);

/** The step's own filters (none for a plain event name). */
export const stepFilters = (step: FunnelStep): readonly QueryFilter[] =>
  typeof step === 'string' ? [] : (step.filters ?? []);

/** The event name of every step, in order (repeats kept). */
export const stepEvents = (spec: FunnelSpec): string[] => spec.steps.map(stepEvent);

/**
 * Whether any filter applies (global or a step's): such funnels read raw events, since the
 * session rollup keeps per-name aggregates, not the columns a filter compares.
 */
export const isFiltered = (spec: FunnelSpec): boolean =>
  hasFilters(spec.filters) || spec.steps.some((step) => stepFilters(step).length > 0);

/**
 * Whether each event can match at most one step: true when the step event names are distinct
 * (filters only narrow a name's events). The SQL chain needs it; otherwise TypeScript matches.
 */
export const stepsAreDisjoint = (spec: FunnelSpec): boolean => {
  const names = stepEvents(spec);
  return new Set(names).size === names.length;
};

/**
 * Whether two steps match some events in common but maybe not all: the same event name with
 * different own filters. Otherwise any two steps match the same events or none in common, and
 * the plain greedy run of core.ts is exact.
 */
export const stepsOverlap = (spec: FunnelSpec): boolean => {
  const filtersByName = new Map<string, string>();
  for (const step of spec.steps) {
    const filters = JSON.stringify(stepFilters(step));
    const seen = filtersByName.get(stepEvent(step));
    if (seen !== undefined && seen !== filters) return true;
    filtersByName.set(stepEvent(step), filters);
  }
  return false;
};

/** An `events` row matches step k (its name and its own filters; not the global ones). */
export function stepCondition(spec: FunnelSpec, k: number, dialect: SqlDialect): SqlFragment {
  const step = spec.steps[k] as FunnelStep;
  const own = stepFilters(step);
  const name = sql`event = ${stepEvent(step)}`;
  return own.length > 0 ? sql`(${name} AND ${filterCondition(own, dialect)})` : name;
}

/**
 * The `events` rows any step may read: the global filters, and some step's name and own filters.
 * Without filters, the plain name list (the query unfiltered funnels always ran).
 */
export function funnelEventsCondition(spec: FunnelSpec, dialect: SqlDialect): SqlFragment {
  if (!isFiltered(spec)) return inList(raw('event'), [...new Set(stepEvents(spec))]);
  const anyStep = join(
    spec.steps.map((_, k) => stepCondition(spec, k, dialect)),
    ' OR ',
  );
  return sql`${filterCondition(spec.filters, dialect)} AND (${anyStep})`;
}

/** The rows that are the unit's possible starts: step 1's name, own and global filters. */
export function startCondition(spec: FunnelSpec, dialect: SqlDialect): SqlFragment {
  return hasFilters(spec.filters)
    ? sql`${stepCondition(spec, 0, dialect)} AND ${filterCondition(spec.filters, dialect)}`
    : stepCondition(spec, 0, dialect);
}

/**
 * The breakdown's text for one `events` row. A filter property (path, browser, os, device,
 * country, referrer_domain, utm_source, …) reads exactly what the filter of that name compares,
 * so a breakdown row clicked into a filter selects the same units; `properties.<key>` and any
 * other name read the event's own property (a property called e.g. `browser` stays reachable as
 * `properties.browser`).
 */
export function breakdownSql(breakdown: string, dialect: SqlDialect): SqlFragment {
  if ((FILTER_PROPERTIES as readonly string[]).includes(breakdown))
    return filterPropertySql(breakdown as FilterProperty, dialect);
  const key = breakdown.startsWith(FILTER_CUSTOM_PREFIX)
    ? breakdown.slice(FILTER_CUSTOM_PREFIX.length)
    : breakdown;
  return dialect.jsonString(raw('properties'), key);
}
