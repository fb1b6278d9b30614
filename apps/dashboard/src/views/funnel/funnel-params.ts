import { DEFAULT_FUNNEL_STEPS, DEFAULT_FUNNEL_WINDOW_MS } from '@sightline/schema/query-results';
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

export interface FunnelParams {
  steps: string[];
  unit: FunnelUnit;
  windowMs: number;
}

/** `steps` is a JSON array in the URL: event names may contain commas or anything else. */
function parseSteps(text: string | null): string[] {
  if (!text) return [...DEFAULT_STEPS];
  try {
    const value = JSON.parse(text) as unknown;
    if (Array.isArray(value) && value.every((s) => typeof s === 'string') && value.length > 0)
      return value.slice(0, MAX_STEPS);
  } catch {
    // a hand-edited URL: fall back to the default
  }
  return [...DEFAULT_STEPS];
}

export function useFunnelParams(): [FunnelParams, (next: Partial<FunnelParams>) => void] {
  const [params, setParams] = useUrlParams();
  const windowMs = Number(params.get('window'));
  const current: FunnelParams = {
    steps: parseSteps(params.get('steps')),
    unit: params.get('unit') === 'user' ? 'user' : 'session',
    windowMs: WINDOWS.some((w) => w.ms === windowMs) ? windowMs : DEFAULT_WINDOW_MS,
  };
  const update = (next: Partial<FunnelParams>) => {
    const merged = { ...current, ...next };
    const isDefault = JSON.stringify(merged.steps) === JSON.stringify(DEFAULT_STEPS);
    setParams(
      {
        steps: isDefault ? null : JSON.stringify(merged.steps),
        unit: merged.unit === 'session' ? null : merged.unit,
        window: merged.windowMs === DEFAULT_WINDOW_MS ? null : String(merged.windowMs),
      },
      true,
    );
  };
  return [current, update];
}
