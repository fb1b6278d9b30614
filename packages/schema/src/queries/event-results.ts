import type { FunnelStepResult, KeyFunnel } from '../query-results.js';
import type { WebVitalName, WebVitalRating } from '../web-vitals.js';
import type { QueryFilter } from './filter-vocabulary.js';

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

/**
 * A funnel step as a query takes it: an event name, or an event name whose events count only when
 * they also meet every one of `filters` (AND-ed with the query's own `filters`). Two steps may
 * name the same event with different filters (`page_view` on / then `page_view` on /pricing).
 */
export type FunnelStep = string | FunnelStepWithFilters;
export interface FunnelStepWithFilters {
  event: string;
  filters?: QueryFilter[] | undefined;
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

/** One web vital over a group of page views (docs/SEMANTICS.md, Web vitals). */
export interface VitalSummary {
  /** Page views that reported it: page loads for lcp, fcp and ttfb; every page view (SPA routes too) for inp and cls. */
  samples: number;
  /** Nearest-rank p75 of those page views' values; null without samples. */
  p75: number | null;
  /** The p75's rating (WEB_VITAL_THRESHOLDS); null without samples. */
  rating: WebVitalRating | null;
  /** Fraction of the samples in each rating (summing to 1; all 0 without samples). */
  shares: Record<WebVitalRating, number>;
}

export type WebVitalsSummary = Record<WebVitalName, VitalSummary>;

export type PagePerformance = {
  path: string;
  /** Page views with any performance report. */
  samples: number;
  vitals: WebVitalsSummary;
} & Record<PerformanceMetric, Quantiles>;

/** The web vitals of one device class (the `device` column: desktop, mobile, tablet, …; '' unknown). */
export interface DevicePerformance {
  device: string;
  samples: number;
  vitals: WebVitalsSummary;
}

export interface PerformanceResult {
  /** The most sampled paths (`limit`), most samples first. */
  pages: PagePerformance[];
  /** Every device class, most samples first. */
  devices: DevicePerformance[];
  /** All matching page views together. */
  overall: { samples: number; vitals: WebVitalsSummary };
}
