import {
  FRICTION_FACTOR_IDS,
  type FrictionFactorId,
  JOURNEY_STATUSES,
  type JourneyStatus,
  type QueryArgs,
  SESSION_SORTS,
  type SessionSort,
} from '@sightline/schema/query-results';
import type { TimeRange } from '../../time-range';

/** What chooses and orders the sessions list (all of the query's arguments but cursor and limit). */
export type SessionListArgs = Omit<QueryArgs<'sessions'>, 'cursor' | 'limit'>;

/** The quick filters above the list. */
export type QuickFilter = 'all' | 'errors' | 'at_risk';
export const QUICK_FILTERS: ReadonlyArray<{ value: QuickFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'errors', label: 'With errors' },
  { value: 'at_risk', label: 'At risk' },
];

export const SORT_LABELS: Readonly<Record<SessionSort, string>> = {
  last_seen: 'Last active',
  first_seen: 'Newest',
  event_count: 'Most events',
  friction_score: 'Most friction',
};

/**
 * The URL params of the sessions view (kept in the URL like every view's choices, url-state.ts):
 * `q` search, `filter` quick filter, `sort`, and `journey`, `factor`, `path`, `browser`, `device`.
 */
export const TEXT_FILTERS = ['path', 'browser', 'device'] as const;
export type TextFilter = (typeof TEXT_FILTERS)[number];

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.find((v) => v === value);

const text = (value: string | null): string | undefined => value?.trim() || undefined;

export function quickFilterFrom(params: URLSearchParams): QuickFilter {
  return QUICK_FILTERS.find((f) => f.value === params.get('filter'))?.value ?? 'all';
}

/** The list's arguments as the URL holds them; absent or unknown params are left out. */
export function sessionListArgs(params: URLSearchParams, range: TimeRange): SessionListArgs {
  const quick = quickFilterFrom(params);
  const journey: JourneyStatus | undefined = oneOf(JOURNEY_STATUSES, params.get('journey'));
  const factor: FrictionFactorId | undefined = oneOf(FRICTION_FACTOR_IDS, params.get('factor'));
  const args: SessionListArgs = {
    time_range: range,
    sort: oneOf(SESSION_SORTS, params.get('sort')) ?? 'last_seen',
    search: text(params.get('q')),
    has_error: quick === 'errors' ? true : undefined,
    at_risk: quick === 'at_risk' ? true : undefined,
    journey_status: journey,
    factor,
    page: text(params.get('path')),
    browser: text(params.get('browser')),
    device: text(params.get('device')),
  };
  // JSON.stringify drops undefined: equal choices give equal subscription keys.
  return JSON.parse(JSON.stringify(args)) as SessionListArgs;
}

/** How many of the "more filters" are set (shown on their toggle). */
export function moreFiltersSet(params: URLSearchParams): number {
  return ['journey', 'factor', ...TEXT_FILTERS].filter((name) => text(params.get(name)) !== undefined).length;
}
