import type { LiveQuerySource } from '@sightline/react';
import {
  MAX_FILTERS,
  type QueryArgs,
  type QueryFilter,
  type QueryName,
} from '@sightline/schema/query-results';
import { sameFilter } from './filter-params';

/** Whether a query's arguments (the query map of @sightline/schema) have `filters`. */
type TakesFilters<N extends QueryName> = 'filters' extends keyof NonNullable<QueryArgs<N>> ? true : false;

/**
 * Which queries take the common `filters`, read off their argument schemas by the compiler: every
 * entry must be exactly what the schema says, so when a query gains (or loses) `filters` the
 * dashboard fails to typecheck until this says so too, and a new query cannot be left out.
 */
export const QUERY_TAKES_FILTERS: { readonly [N in QueryName]: TakesFilters<N> } = {
  dashboard: true,
  insights: true,
  insight_groups: true,
  journeys: true,
  interventions: true,
  friction: true,
  overview: true,
  timeseries: true,
  top_events: true,
  funnel: true,
  drop_offs: true,
  user_flow: true,
  performance: true,
  sessions: true,
  session_timeline: false,
  web_overview: true,
  pages: true,
  entry_pages: true,
  exit_pages: true,
  sources: true,
  devices: true,
  countries: true,
  bots: false,
  retention: true,
};

export const takesFilters = (name: QueryName): boolean => QUERY_TAKES_FILTERS[name];

/** A view's own filters followed by the bar's (repeats once), at most MAX_FILTERS. */
export function mergeFilters(own: readonly QueryFilter[], bar: readonly QueryFilter[]): QueryFilter[] {
  const merged = [...own];
  for (const filter of bar) if (!merged.some((f) => sameFilter(f, filter))) merged.push(filter);
  return merged.slice(0, MAX_FILTERS);
}

/** What the view on screen subscribes to, as far as the filter bar cares. */
export interface SubscribedState {
  /** Some query of the view takes the filters. */
  filterable: boolean;
  /** The view's queries that take no filters (which the bar's filters do not narrow), sorted. */
  unfiltered: readonly QueryName[];
}

const NOTHING: SubscribedState = { filterable: false, unfiltered: [] };

/**
 * Counts the view's live subscriptions by query name, so the bar can show itself where filters
 * apply and say which parts of the view they do not narrow (instead of letting unfiltered
 * numbers pass as filtered).
 */
export class SubscribedQueries {
  private readonly counts = new Map<QueryName, number>();
  private readonly listeners = new Set<() => void>();
  private state: SubscribedState = NOTHING;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The same object until something changes (a useSyncExternalStore snapshot). */
  readonly snapshot = (): SubscribedState => this.state;

  track(name: QueryName): () => void {
    this.change(name, 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.change(name, -1);
    };
  }

  private change(name: QueryName, by: number): void {
    const count = (this.counts.get(name) ?? 0) + by;
    if (count > 0) this.counts.set(name, count);
    else this.counts.delete(name);
    const names = [...this.counts.keys()];
    const next: SubscribedState = {
      filterable: names.some(takesFilters),
      unfiltered: names.filter((n) => !takesFilters(n)).sort(),
    };
    if (next.filterable === this.state.filterable && next.unfiltered.join() === this.state.unfiltered.join())
      return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

/**
 * The live-query source views read through: the bar's filters are added to the arguments of
 * every query that takes them (after any the view passes itself); other queries pass through
 * unchanged. Every subscription is counted in `subscribed`.
 */
export function filteredSource(
  inner: LiveQuerySource,
  filters: readonly QueryFilter[],
  subscribed: SubscribedQueries,
): LiveQuerySource {
  return {
    subscribe(name, args, onResult, onError) {
      let queryArgs = args;
      if (filters.length > 0 && takesFilters(name)) {
        const own = (args as { filters?: QueryFilter[] } | undefined)?.filters ?? [];
        queryArgs = { ...args, filters: mergeFilters(own, filters) } as typeof args;
      }
      const untrack = subscribed.track(name);
      const stop = inner.subscribe(name, queryArgs, onResult, onError);
      return () => {
        untrack();
        stop();
      };
    },
  };
}
