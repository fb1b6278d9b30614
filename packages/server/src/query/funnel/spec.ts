import type { TimeRange } from '@sightline/schema';

/** A funnel to compute: the query's arguments, and the overview's and drop-offs' own funnels. */
export interface FunnelSpec {
  time_range: TimeRange;
  steps: string[];
  unit: 'session' | 'user';
  window_ms: number;
  breakdown?: string | undefined;
}
