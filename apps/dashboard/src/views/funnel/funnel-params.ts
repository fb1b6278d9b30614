import {
  DEFAULT_FUNNEL_STEPS,
  DEFAULT_FUNNEL_WINDOW_MS,
  type FunnelStep,
  MAX_FILTERS,
  type QueryFilter,
} from '@sightline/schema/query-results';
import { isValidFilter } from '../../components/filter-params';
import { useUrlParams } from '../../url-state';

/** The server's default funnel and window (the demo app's video-upload funnel). */
export const DEFAULT_STEPS = DEFAULT_FUNNEL_STEPS;

export const WINDOWS: ReadonlyArray<{ ms: number; label: string }> = [
  { ms: 5 * 60_000, label: '5 minutes' },
  { ms: 30 * 60_000, label: '30 minutes' },
  { ms: 3_600_000, label: '1 hour' },
  { ms: 6 * 3_600_000, label: '6 hours' },
  { ms: 86_400_000, label: '1 day' },
  { ms: 7 * 86_400_000, label: '7 days' },
];
export const DEFAULT_WINDOW_MS = DEFAULT_FUNNEL_WINDOW_MS;
export const MAX_STEPS = 10;

export type FunnelUnit = 'session' | 'user';

/** A funnel's steps, unit and window; a key funnel's steps (Settings) are event names only. */
export interface FunnelParams<S extends FunnelStep = string> {
  steps: S[];
  unit: FunnelUnit;
  windowMs: number;
}

/** The funnel view's choices, kept in the URL. */
export interface FunnelViewParams extends FunnelParams<FunnelStep> {
  /** The property whose value on a unit's first step splits the funnel; null for none. */
  breakdown: string | null;
}

/** A breakdown property's name at most (the query's limit). */
export const BREAKDOWN_MAX_LENGTH = 200;

export const stepEvent = (step: FunnelStep): string => (typeof step === 'string' ? step : step.event);
export const stepFilters = (step: FunnelStep): QueryFilter[] =>
  typeof step === 'string' ? [] : (step.filters ?? []);

/** The step with these filters: a plain name when there are none, as the URL and query take it. */
export function withStepFilters(step: FunnelStep, filters: QueryFilter[]): FunnelStep {
  const event = stepEvent(step);
  return filters.length === 0 ? event : { event, filters: filters.slice(0, MAX_FILTERS) };
}

function parseStep(value: unknown): FunnelStep | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value !== 'object' || value === null) return null;
  const { event, filters } = value as { event?: unknown; filters?: unknown };
  if (typeof event !== 'string' || event.length === 0) return null;
  if (filters === undefined) return event;
  if (!Array.isArray(filters) || !filters.every((f) => isValidFilter(f as QueryFilter))) return null;
  return withStepFilters(event, filters as QueryFilter[]);
}

/**
 * `steps` is a JSON array in the URL: event names may contain commas or anything else, and a
 * step may carry filters (`{"event":"page_view","filters":[…]}`).
 */
function parseSteps(text: string | null): FunnelStep[] {
  if (!text) return [...DEFAULT_STEPS];
  try {
    const value = JSON.parse(text) as unknown;
    if (Array.isArray(value) && value.length >= 2) {
      const steps = value.map(parseStep);
      if (steps.every((s) => s !== null)) return (steps as FunnelStep[]).slice(0, MAX_STEPS);
    }
  } catch {
    // a hand-edited URL: fall back to the default
  }
  return [...DEFAULT_STEPS];
}

export function useFunnelParams(): [FunnelViewParams, (next: Partial<FunnelViewParams>) => void] {
  const [params, setParams] = useUrlParams();
  const windowMs = Number(params.get('window'));
  const current: FunnelViewParams = {
    steps: parseSteps(params.get('steps')),
    unit: params.get('unit') === 'user' ? 'user' : 'session',
    windowMs: WINDOWS.some((w) => w.ms === windowMs) ? windowMs : DEFAULT_WINDOW_MS,
    breakdown: params.get('breakdown')?.slice(0, BREAKDOWN_MAX_LENGTH) || null,
  };
  const update = (next: Partial<FunnelViewParams>) => {
    const merged = { ...current, ...next };
    const isDefault = JSON.stringify(merged.steps) === JSON.stringify(DEFAULT_STEPS);
    setParams(
      {
        steps: isDefault ? null : JSON.stringify(merged.steps),
        unit: merged.unit === 'session' ? null : merged.unit,
        window: merged.windowMs === DEFAULT_WINDOW_MS ? null : String(merged.windowMs),
        breakdown: merged.breakdown,
      },
      true,
    );
  };
  return [current, update];
}
