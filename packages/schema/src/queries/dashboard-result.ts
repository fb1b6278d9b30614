import type { FunnelStepResult, KeyFunnel } from '../query-results.js';
import type { EventCount, PagePerformance, Totals, UserFlowResult } from './event-results.js';
import type { DropOffPoint } from './processor-results.js';

/** Per-step numbers of the dashboard query: events and distinct sessions with the step's event, and the ordered funnel's. */
export interface DashboardFunnelStep extends Omit<FunnelStepResult, 'count'> {
  /** Events of this name in the range (the `dashboard` query's `count`, docs/API.md). */
  count: number;
  /** Distinct sessions with an event of this name (counted by session_id). */
  unique_users: number;
  /** Units of the key funnel (sessions, or users) that reached this step in order within its window (the funnel query's `count`). */
  sessions: number;
}

/** Everything of the overview page in one answer. */
export interface DashboardResult extends Totals {
  time_range: { from: number; to: number };
  /** Units that completed the project's key funnel / units that started it; null without a key funnel. */
  conversion_rate: number | null;
  /** The funnel conversion_rate, conversion_funnel and drop_off_points are over (null: none set). */
  key_funnel: KeyFunnel | null;
  top_events: EventCount[];
  conversion_funnel: DashboardFunnelStep[];
  user_flow: UserFlowResult;
  performance_metrics: PagePerformance[];
  drop_off_points: DropOffPoint[];
}
