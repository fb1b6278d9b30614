import type {
  InterventionGroup,
  JourneySummary,
  KeyFunnel,
  SessionSummary,
  TimelineEvent,
} from '../query-results.js';
import type { SessionClient } from '../timeline-details.js';
import type { QueryFilter } from './filter-vocabulary.js';

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

/**
 * Insight types that record an outcome (something that went right): counted, never a problem to
 * acknowledge or resolve, so they belong to no problem group.
 */
export const OUTCOME_INSIGHT_TYPES = ['journey_completed'] as const;
export type OutcomeInsightType = (typeof OUTCOME_INSIGHT_TYPES)[number];
/** Which insights a listing holds: every one, the problems only, or the outcomes only. */
export const INSIGHT_KINDS = ['all', 'problems', 'outcomes'] as const;
export type InsightKind = (typeof INSIGHT_KINDS)[number];

/**
 * A problem key's length at most (insight type, factor and page path; the server trims the path to
 * fit): long enough for any real page path, short enough to send back as a query argument.
 */
export const PROBLEM_KEY_MAX_LENGTH = 400;
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

/**
 * Insights of the whole filtered range (not just the page), each dimension counted with every other
 * filter applied but not its own: a chip shows how many insights selecting it would list.
 */
export interface InsightCounts {
  /** Per insight type present (the `insight_type` and `kind` filters left out). */
  by_type: Record<string, number>;
  /** Per catalogue factor, an insight counted under its problem's factor (the `factor` filter left out). */
  by_factor: Record<FrictionFactorId, number>;
  /** Per status (the `status` filter left out). */
  by_status: Record<InsightStatus, number>;
}

export interface InsightsResult {
  /** One page, newest first by (generated_at, id). */
  insights: InsightView[];
  /** Insights matching every filter in the range, over all pages. */
  total: number;
  counts: InsightCounts;
  /** The `cursor` of the next page (older insights); null on the last page. */
  next_cursor: string | null;
}

/**
 * One problem: the insights that share a problem key (insight type, friction factor, page path),
 * e.g. "upload stall on /upload", with what the dashboard needs to decide on it at once.
 */
export interface InsightGroup {
  /** The problem key: pass it as `problem` to `insights` (drill-down) and to the group status route. */
  problem: string;
  insight_type: string;
  /** The catalogue factor; null for problems without one (journey abandonment, older insights). */
  factor: FrictionFactorId | null;
  /** Page path the sessions were on; null when unknown. */
  path: string | null;
  /** The catalogue's advice for the factor; null without a factor. */
  recommended_action: string | null;
  /** The highest severity among its insights. */
  severity: InsightSeverity;
  sessions: number;
  insights: number;
  /** Event time of its first and latest insight in the range. */
  first_seen: number;
  last_seen: number;
  /** Insights per trend bucket over the whole range, oldest first (see InsightGroupsResult.trend). */
  trend: number[];
  /** open when any of its insights is open, else acknowledged when any is, else resolved. */
  status: InsightStatus;
  /** Its open insights. */
  open: number;
  /** Open again: an insight of the problem arrived after the group was acknowledged or resolved. */
  reopened: boolean;
}

/** How many outcome insights (OUTCOME_INSIGHT_TYPES) the range holds: shown as counts, not as items. */
export interface InsightOutcome {
  insight_type: OutcomeInsightType;
  count: number;
  sessions: number;
}

export interface InsightGroupsResult {
  /** Most sessions first (then latest), at most `limit`. */
  groups: InsightGroup[];
  /** Groups matching the filters, over all of them. */
  total_groups: number;
  outcomes: InsightOutcome[];
  /** Every group's `trend` has `buckets` counts, bucket i covering [from + i·bucket_ms, from + (i+1)·bucket_ms). */
  trend: { from: number; bucket_ms: number; buckets: number };
}

export interface JourneysResult {
  journeys: JourneySummary[];
}

export interface InterventionRuleReport {
  rule_id: string;
  action: string;
  targeted: InterventionGroup;
  held_out: InterventionGroup;
  /** Targeted − hold-out key-journey completion, with its confidence interval (docs/SEMANTICS.md). */
  comparison: CompletionComparison;
}

/** What a difference between two completion rates supports, read from its confidence interval. */
export type ComparisonVerdict = 'targeted_higher' | 'targeted_lower' | 'no_clear_difference';

/**
 * Targeted − hold-out completion rate of the key journey. The sample sizes are the groups'
 * `journeys`; below `min_journeys_per_group` in either group there is no verdict (`enough_data: false`).
 */
export interface CompletionComparison {
  /** targeted.completion_rate − held_out.completion_rate; null when a group has no key journeys. */
  difference: number | null;
  /** Newcombe's hybrid score interval (method 10) at `confidence`; null when `difference` is. */
  ci_low: number | null;
  ci_high: number | null;
  /** 0.95. */
  confidence: number;
  /** Both groups have at least `min_journeys_per_group` key journeys. */
  enough_data: boolean;
  min_journeys_per_group: number;
  /** From the interval: above 0, below 0, or containing 0; null without enough data. */
  verdict: ComparisonVerdict | null;
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
  /** The step's event name. */
  step: string;
  /** The step's own filters, present when the step was given as `{ event, filters }`. */
  filters?: QueryFilter[];
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

/** Orders of the sessions list, each latest / largest first, ties by session id. */
export const SESSION_SORTS = ['last_seen', 'first_seen', 'event_count', 'friction_score'] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];

export interface SessionsResult {
  sessions: SessionSummary[];
  /** Sessions matching the arguments in the range, over all pages (with a cursor: as of the first page). */
  total: number;
  /** The `cursor` of the next page; null on the last. */
  next_cursor: string | null;
}

export interface SessionTimelineResult {
  session_id: string;
  /** Browser, OS, device class and screen of the session (its first event that names a browser); null without events. */
  client: SessionClient | null;
  events: TimelineEvent[];
  insights: InsightView[];
  /** The processor's interventions for the session, by `at`. */
  interventions: TimelineIntervention[];
}

/** An intervention placed on the session's timeline, with what became of it. */
export interface TimelineIntervention {
  id: string;
  insight_id: string;
  rule_id: string;
  action: string;
  message: string;
  risk_factors: string[];
  /** In the hold-out group: recorded, never sent. */
  held_out: boolean;
  /** Event time it refers to: its insight's `generated_at` (its `created_at` if that insight is gone). */
  at: number;
  /** Server time it was sent over SSE; null: not (yet) delivered. */
  delivered_at: number | null;
  /** Event time of `$intervention_shown`; null: not shown. */
  shown_at: number | null;
  result: string | null;
  result_at: number | null;
}
