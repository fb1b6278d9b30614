import type {
  InterventionGroup,
  JourneySummary,
  KeyFunnel,
  SessionSummary,
  TimelineEvent,
} from '../query-results.js';

/**
 * Results of the queries over what the stream processor stores (insights, journeys, interventions,
 * friction, drop-offs, sessions): declared once here, returned by the server's query modules and
 * read by the browser apps. Plain types and constants only, so a browser bundle pulls in no zod.
 */

/** An insight's review state: the dashboard moves it, the insights query filters by it. */
export const INSIGHT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type InsightStatus = (typeof INSIGHT_STATUSES)[number];
export type InsightSeverity = 'low' | 'medium' | 'high';

export const JOURNEY_STATUSES = ['active', 'completed', 'abandoned'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

/**
 * The friction catalogue's factor ids (packages/server/src/friction/catalogue.ts), in catalogue
 * order; a server test checks the catalogue has exactly these.
 */
export const FRICTION_FACTOR_IDS = [
  'rapid_clicking',
  'rage_click',
  'dead_click',
  'potential_abandonment',
  'error_encountered',
  'slow_page',
  'upload_stall',
] as const;
export type FrictionFactorId = (typeof FRICTION_FACTOR_IDS)[number];
/** Sessions (of a group) in which the processor detected each factor. */
export type FrictionCounts = Record<FrictionFactorId, number>;

/** What an insight says: the processor always writes the three lists; other fields vary by type. */
export interface InsightViewData {
  risk_factors?: string[];
  recommended_actions?: string[];
  /** uuids of the events that led to the insight. */
  evidence?: string[];
  [field: string]: unknown;
}

export interface InsightView {
  id: string;
  insight_type: string;
  severity: InsightSeverity;
  session_id: string;
  distinct_id: string;
  status: InsightStatus;
  data: InsightViewData;
  /** Event time the insight refers to (ms). */
  generated_at: number;
  /** Server time it was stored (ms). */
  created_at: number;
  status_changed_at: number | null;
  time_range: string;
}

export interface InsightsResult {
  insights: InsightView[];
}

export interface JourneysResult {
  journeys: JourneySummary[];
}

export interface InterventionRuleReport {
  rule_id: string;
  action: string;
  targeted: InterventionGroup;
  held_out: InterventionGroup;
}

export interface InterventionsResult {
  rules: InterventionRuleReport[];
  /** The journey whose completion the groups compare (null: none set, journey fields empty). */
  key_journey: string | null;
}

export interface SessionFriction {
  session_id: string;
  distinct_id: string;
  friction_score: number;
  /** Detections per factor id. */
  factors: Record<string, number>;
  updated_at: number;
}

export interface FrictionResult {
  sessions: SessionFriction[];
}

export interface DropOffPoint {
  step: string;
  /** Percent, as the dashboard prints it. */
  drop_rate: number;
  /** Fraction 0..1 (= funnel drop_off). */
  drop_off: number;
  dropped_sessions: number;
  /** Per catalogue factor: how many of the dropped sessions the processor detected it in. */
  friction: FrictionCounts;
  dominant_friction: FrictionFactorId | null;
  recommendation: string;
}

export interface DropOffsResult {
  drop_off_points: DropOffPoint[];
  /** The project's key funnel, whose steps these are (null: none set, and no points). */
  key_funnel: KeyFunnel | null;
}

export interface SessionsResult {
  sessions: SessionSummary[];
}

export interface SessionTimelineResult {
  session_id: string;
  events: TimelineEvent[];
  insights: InsightView[];
}
