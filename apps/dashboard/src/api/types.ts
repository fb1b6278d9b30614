/**
 * Result shapes of the server's queries (docs/API.md). Those both sides share live in
 * @sightline/schema (query-results.ts); the rest are declared here, since the dashboard never
 * imports server code (DESIGN §2).
 */
import type {
  FunnelStepResult as FunnelStep,
  InterventionGroup,
  JourneySummary,
  KeyFunnel,
  SessionSummary,
  TimelineEvent,
} from '@sightline/schema';

export type { FunnelStep, InterventionGroup, JourneySummary, KeyFunnel, SessionSummary, TimelineEvent };

export interface Overview {
  total_events: number;
  unique_sessions: number;
  unique_users: number;
  avg_events_per_session: number;
  /** Over the project's key funnel; null when it has none. */
  conversion_rate: number | null;
  key_funnel: KeyFunnel | null;
}

export interface Timeseries {
  interval: 'minute' | 'hour' | 'day';
  points: Array<{ t: number; events: number; sessions: number }>;
}

export interface TopEvents {
  events: Array<{ name: string; count: number }>;
}

export interface Funnel {
  steps: FunnelStep[];
}

/** The friction catalogue's factor ids (packages/server/src/friction/catalogue.ts). */
export type FrictionKind =
  | 'rapid_clicking'
  | 'rage_click'
  | 'dead_click'
  | 'potential_abandonment'
  | 'error_encountered'
  | 'slow_page'
  | 'upload_stall';

export interface DropOffPoint {
  step: string;
  drop_rate: number;
  drop_off: number;
  dropped_sessions: number;
  /** Per factor: sessions that dropped here in which the processor detected it. */
  friction: Record<FrictionKind, number>;
  dominant_friction: FrictionKind | null;
  recommendation: string;
}

export interface DropOffs {
  drop_off_points: DropOffPoint[];
  /** The project's key funnel, whose steps these are (null: none set, and no points). */
  key_funnel: KeyFunnel | null;
}

export interface UserFlow {
  transitions: Array<{ from: string; to: string; count: number }>;
  top_paths: Array<{ path: string[]; count: number }>;
}

export interface Percentiles {
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

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

export type PagePerformance = { path: string; samples: number } & Record<PerformanceMetric, Percentiles>;

export interface Performance {
  pages: PagePerformance[];
}

export interface Journeys {
  journeys: JourneySummary[];
}

export type InsightStatus = 'open' | 'acknowledged' | 'resolved';

export interface Insight {
  id: string;
  insight_type: string;
  severity: string;
  session_id: string;
  distinct_id: string;
  status: InsightStatus;
  data: {
    risk_factors?: string[];
    recommended_actions?: string[];
    evidence?: string[];
    [field: string]: unknown;
  };
  generated_at: number;
  created_at: number;
  status_changed_at: number | null;
  time_range: string;
}

export interface Insights {
  insights: Insight[];
}

export interface Interventions {
  rules: Array<{ rule_id: string; action: string; targeted: InterventionGroup; held_out: InterventionGroup }>;
}

export interface Sessions {
  sessions: SessionSummary[];
}

export interface SessionTimeline {
  session_id: string;
  events: TimelineEvent[];
  insights: Insight[];
}
