import type { FunnelStepResult, KeyFunnel } from '../query-results.js';

/**
 * Results of the queries over raw events (overview, timeseries, top events, funnel, user flow,
 * performance): declared once here, returned by the server's query modules and read by the
 * browser apps. Plain types and constants only, so a browser bundle pulls in no zod.
 */

/** Counts over the range; the empty session/user id (events sent without one) is not a session/user. */
export interface Totals {
  total_events: number;
  unique_sessions: number;
  unique_users: number;
  avg_events_per_session: number;
}

export interface OverviewResult extends Totals {
  /** Over the project's key funnel; null when it has none (never a made-up 0 %). */
  conversion_rate: number | null;
  /** The funnel conversion_rate is over, so a reader can label it. */
  key_funnel: KeyFunnel | null;
}

export type TimeseriesInterval = 'minute' | 'hour' | 'day';

export interface TimeseriesPoint {
  /** Bucket start, ms since epoch (UTC-aligned). */
  t: number;
  events: number;
  sessions: number;
}

export interface TimeseriesResult {
  interval: TimeseriesInterval;
  points: TimeseriesPoint[];
}

export interface EventCount {
  name: string;
  count: number;
}

export interface TopEventsResult {
  events: EventCount[];
}

export interface FunnelResult {
  steps: FunnelStepResult[];
  /** Per value of the `breakdown` property, when the caller asked for one. */
  breakdowns?: Array<{ value: string; steps: FunnelStepResult[] }>;
}

export interface Transition {
  from: string;
  to: string;
  count: number;
}

export interface TopPath {
  path: string[];
  count: number;
}

export interface UserFlowResult {
  transitions: Transition[];
  top_paths: TopPath[];
}

/** Page timings and web vitals the performance query reports, in display order. */
export const PERFORMANCE_METRICS = [
  'page_load_time',
  'dom_ready_time',
  'time_to_interactive',
  'lcp',
  'inp',
  'cls',
  'fcp',
  'ttfb',
] as const;
export type PerformanceMetric = (typeof PERFORMANCE_METRICS)[number];

/** Quantiles over page visits (null: no visit reported the metric). */
export interface Quantiles {
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

export type PagePerformance = { path: string; samples: number } & Record<PerformanceMetric, Quantiles>;

export interface PerformanceResult {
  pages: PagePerformance[];
}
