/**
 * Shapes of query results that the server returns and the browser apps read (docs/API.md,
 * docs/SEMANTICS.md): one definition for both sides.
 */

/** The funnel a query without `steps` reads: the original spec's upload funnel (calculateConversionFunnel). */
export const DEFAULT_FUNNEL_STEPS = [
  'page_view',
  'file_selected',
  'upload_started',
  'upload_complete',
  'analysis_complete',
] as const;
/** The funnel's conversion window when a query gives none. */
export const DEFAULT_FUNNEL_WINDOW_MS = 3_600_000;

export interface FunnelStepResult {
  step: string;
  count: number;
  conversion_from_first: number;
  conversion_from_previous: number;
  drop_off: number;
  median_time_to_convert_ms: number | null;
  p95_time_to_convert_ms: number | null;
}

export interface JourneyStepStats {
  step: string;
  /** Journeys that reached the step. */
  reached: number;
  /** Abandoned journeys whose last step it was. */
  abandoned: number;
  /** Median ms from the previous step to this one (null for the first step). */
  median_duration_ms: number | null;
}

export interface JourneySummary {
  journey_name: string;
  started: number;
  completed: number;
  abandoned: number;
  active: number;
  /** completed / started (DESIGN §6). */
  completion_rate: number;
  /** Median total duration of completed journeys, ms. */
  median_duration_ms: number | null;
  /** Abandon reasons (`page_exit`, `timeout`, custom) with counts, most first. */
  abandon_reasons: Array<{ reason: string; count: number }>;
  /** In the order the steps were first reached. */
  steps: JourneyStepStats[];
}

export interface InterventionGroup {
  sessions: number;
  interventions: number;
  delivered: number;
  shown: number;
  /** Journeys started in these sessions, and how many completed. */
  journeys: number;
  completed_journeys: number;
  /** completed / started journeys; null without journeys. */
  completion_rate: number | null;
}

export interface SessionSummary {
  session_id: string;
  /** The session's distinct_id (the smallest, when it changed during the session, e.g. after identify). */
  distinct_id: string;
  first_seen: number;
  last_seen: number;
  event_count: number;
  has_error: boolean;
  /** Page views in the session. */
  pages: number;
  /** The processor wrote a `user_at_risk` insight for the session. */
  at_risk: boolean;
  /** The processor's friction score for the session (0 when it saw no friction). */
  friction_score: number;
}

export interface TimelineEvent {
  uuid: string;
  seq: number;
  timestamp: number;
  event: string;
  path: string;
  properties: unknown;
}
