import type { QueryFilter } from './queries/filter-vocabulary.js';
import type { FrictionFactorId } from './queries/processor-results.js';
import type { TimelineDetail } from './timeline-details.js';

/**
 * Shapes of query results that the server returns and the browser apps read (docs/API.md,
 * docs/SEMANTICS.md): one definition for both sides.
 */

/** The funnel a query without `steps` reads: the demo app's video-upload funnel. */
export const DEFAULT_FUNNEL_STEPS = [
  'page_view',
  'file_selected',
  'upload_started',
  'upload_complete',
  'analysis_complete',
] as const;
/** The funnel's conversion window when a query gives none. */
export const DEFAULT_FUNNEL_WINDOW_MS = 3_600_000;
/** The demo's journey (apps/demo): the default project's key journey until it sets its own. */
export const DEFAULT_KEY_JOURNEY = 'video_upload';

/** The funnel a project calls its conversion: overview, drop-off points and the dashboard read it. */
export interface KeyFunnel {
  /** 2–10 event names, in order. */
  steps: string[];
  unit: 'session' | 'user';
  /** How long a unit has from its first step to the last, ms (0 = no limit). */
  window_ms: number;
}

/**
 * What ingest does with events recognised as sent by bots (crawlers, AI crawlers, headless
 * browsers): `drop` counts them per day and stores nothing (the `bots` query shows the counts);
 * `flag` stores them with `properties.$bot = true`.
 */
export const BOT_POLICIES = ['drop', 'flag'] as const;
export type BotPolicy = (typeof BOT_POLICIES)[number];
/** A project that never set `bots`: bot traffic is not analytics. */
export const DEFAULT_BOT_POLICY: BotPolicy = 'drop';

/** A project's settings (GET / PUT /v1/settings): what "conversion" and "the journey" mean for it. */
export interface KeySettings {
  key_funnel: KeyFunnel | null;
  /** The journey whose completion the interventions report compares (targeted vs hold-out). */
  key_journey: string | null;
  /** Bot events at ingest; absent until the project sets it, meaning DEFAULT_BOT_POLICY. */
  bots?: BotPolicy;
}

/** The default project's settings while it has none stored: the demo's video funnel and journey. */
export const DEMO_KEY_SETTINGS: Readonly<KeySettings> = Object.freeze({
  key_funnel: Object.freeze({
    steps: [...DEFAULT_FUNNEL_STEPS],
    unit: 'session' as const,
    window_ms: DEFAULT_FUNNEL_WINDOW_MS,
  }),
  key_journey: DEFAULT_KEY_JOURNEY,
});

/** Any other project's settings until it sets them: no key funnel, no key journey. */
export const NO_KEY_SETTINGS: Readonly<KeySettings> = Object.freeze({ key_funnel: null, key_journey: null });

export interface FunnelStepResult {
  /** The step's event name. */
  step: string;
  /** The step's own filters, present when the step was given as `{ event, filters }`. */
  filters?: QueryFilter[];
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
  /** completed / started (docs/SEMANTICS.md, Journeys). */
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
  /** Key journeys (the project's `key_journey`) started in these sessions, and how many completed. */
  journeys: number;
  completed_journeys: number;
  /** completed / started key journeys; null without any (or without a key journey). */
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
  /** As received. */
  properties: unknown;
  /** What happened, to read inline: the properties `TIMELINE_DETAILS` lists for this event name. */
  details: TimelineDetail[];
  /** Friction factors (catalogue ids) of the processor's insights citing this event as evidence; none: []. */
  friction: FrictionFactorId[];
}

// Each query's result, and the map of every query's arguments and result (types and plain
// constants only: browser apps import this entry point without pulling in zod).
export * from './dashboard-access.js';
export * from './queries/dashboard-result.js';
export * from './queries/event-results.js';
export * from './queries/filter-vocabulary.js';
export * from './queries/processor-results.js';
export * from './queries/query-map.js';
export * from './queries/web-countries-results.js';
export * from './queries/web-results.js';
export * from './queries/web-sources-results.js';
export * from './timeline-details.js';
export * from './web-vitals.js';
