import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { DEFAULT_FUNNEL_STEPS, DEFAULT_FUNNEL_WINDOW_MS, type FunnelStep } from '../query-results.js';
import { timeRangeSchema } from '../time-range.js';
import { filtersSchema } from './filters.js';
import {
  FRICTION_FACTOR_IDS,
  INSIGHT_KINDS,
  INSIGHT_STATUSES,
  JOURNEY_STATUSES,
  PROBLEM_KEY_MAX_LENGTH,
  SESSION_SORTS,
} from './processor-results.js';
import { PAGE_SORTS } from './web-results.js';
import {
  RETENTION_DEFAULT_PERIODS,
  RETENTION_MAX_PERIODS,
  RETENTION_PERIODS,
  WEB_BREAKDOWN_DEFAULT_LIMIT,
  WEB_BREAKDOWN_MAX_LIMIT,
} from './web-sources-results.js';

/**
 * What a caller may send to each query (`POST /v1/query/<name>`, live subscriptions): the server
 * validates with these schemas and the clients take their input types from them (query-map.ts),
 * so a new argument reaches both sides at once. Browser packages import these as types only.
 */

/** A page of results: 1..max rows, `fallback` when the caller gives none. */
export const queryLimitSchema = (fallback: number, max: number) =>
  z.number().int().min(1).max(max).default(fallback);

/** An event name as a query argument. */
export const eventNameArgSchema = z.string().min(1).max(200);
/** 2–10 event names, in order (a project's key funnel). */
export const funnelStepListSchema = z.array(eventNameArgSchema).min(2).max(10);
/** A step with conditions of its own: `event` events that also meet every one of `filters`. */
export const funnelStepObjectSchema = z.object({ event: eventNameArgSchema, filters: filtersSchema });
/** A funnel step as a query takes it (FunnelStep): an event name, or `{ event, filters }`. */
export const funnelStepArgSchema = z.union([
  eventNameArgSchema,
  funnelStepObjectSchema,
]) satisfies z.ZodType<FunnelStep>;
/** A funnel query's 2–10 steps, in order; the demo's upload funnel when none are given. */
export const funnelStepsSchema = z
  .array(funnelStepArgSchema)
  .min(2)
  .max(10)
  .default([...DEFAULT_FUNNEL_STEPS]);
export const funnelUnitSchema = z.enum(['session', 'user']);
/** A conversion window: never longer than the longest time range a query takes (90 days). */
export const funnelWindowSchema = z
  .number()
  .int()
  .min(0)
  .max(90 * 86_400_000);

/** A step's drop above this fraction makes it a drop-off point (the largest drop always is one). */
export const DEFAULT_DROP_OFF_THRESHOLD = 0.3;
/** Insights per answer unless asked otherwise: a screenful of cards. */
export const INSIGHTS_DEFAULT_LIMIT = 100;
/** Insights per answer at most: the rows of one response stay small enough to render. */
export const INSIGHTS_MAX_LIMIT = 1000;

/** A range and the common `filters`: what every answer built from events (or their sessions) takes. */
const filteredRangeArgs = z.object({ time_range: timeRangeSchema.default('24h'), filters: filtersSchema });

export const dashboardArgs = filteredRangeArgs;
export const overviewArgs = filteredRangeArgs;
/** `filters`: only interventions of sessions with an event in the range meeting every filter. */
export const interventionsArgs = filteredRangeArgs;

/**
 * An insights cursor's text at most: what the server hands out (an event time and an insight id,
 * base64url) stays well under it.
 */
export const INSIGHTS_CURSOR_MAX_LENGTH = 400;
/** Problem groups per answer unless asked otherwise, and at most. */
export const INSIGHT_GROUPS_DEFAULT_LIMIT = 50;
export const INSIGHT_GROUPS_MAX_LIMIT = 500;

const insightTypeSchema = z.string().min(1).max(100);
/** A problem key as `insight_groups` hands it out. */
export const problemKeySchema = z.string().min(1).max(PROBLEM_KEY_MAX_LENGTH);

export const insightsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  status: z.enum(INSIGHT_STATUSES).optional(),
  insight_type: insightTypeSchema.optional(),
  /** Problems only, outcomes only (OUTCOME_INSIGHT_TYPES), or both. */
  kind: z.enum(INSIGHT_KINDS).default('all'),
  /** Insights whose problem has this catalogue factor. */
  factor: z.enum(FRICTION_FACTOR_IDS).optional(),
  /** The insights of one problem group (its `problem` key): the group's drill-down. */
  problem: problemKeySchema.optional(),
  session_id: z.string().min(1).max(200).optional(),
  /** Only insights of sessions with an event in the range meeting every filter. */
  filters: filtersSchema,
  limit: queryLimitSchema(INSIGHTS_DEFAULT_LIMIT, INSIGHTS_MAX_LIMIT),
  /** `next_cursor` of the previous page: the insights after it, in the same order. */
  cursor: z.string().min(1).max(INSIGHTS_CURSOR_MAX_LENGTH).optional(),
});

export const insightGroupsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  /** Groups whose status (InsightGroup.status) is this. */
  status: z.enum(INSIGHT_STATUSES).optional(),
  factor: z.enum(FRICTION_FACTOR_IDS).optional(),
  insight_type: insightTypeSchema.optional(),
  /** Only insights of sessions with an event in the range meeting every filter. */
  filters: filtersSchema,
  limit: queryLimitSchema(INSIGHT_GROUPS_DEFAULT_LIMIT, INSIGHT_GROUPS_MAX_LIMIT),
});

export const journeysArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  journey_name: z.string().min(1).max(200).optional(),
  /** Only journeys of sessions with an event in the range meeting every filter. */
  filters: filtersSchema,
});

export const frictionArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  session_id: z.string().min(1).max(200).optional(),
  /** Only sessions with an event in the range meeting every filter. */
  filters: filtersSchema,
  limit: queryLimitSchema(50, 1000),
});

export const timeseriesArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  interval: z.enum(['minute', 'hour', 'day']).default('hour'),
  filters: filtersSchema,
});

export const topEventsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  filters: filtersSchema,
  limit: queryLimitSchema(10, 1000),
});

export const funnelArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  steps: funnelStepsSchema,
  unit: funnelUnitSchema.default('session'),
  window_ms: funnelWindowSchema.default(DEFAULT_FUNNEL_WINDOW_MS),
  breakdown: z.string().min(1).max(200).optional(),
  /** Conditions every step's events must meet (a step's own filters are AND-ed with these). */
  filters: filtersSchema,
});

export const dropOffsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  /** Without steps, the project's key funnel's. */
  steps: funnelStepsSchema.unwrap().optional(),
  threshold: z.number().min(0).max(1).default(DEFAULT_DROP_OFF_THRESHOLD),
  /** As the funnel's: conditions every step's events must meet. */
  filters: filtersSchema,
});

/** The longest top path user_flow reports (the flow rollup keeps this many first steps per session-hour). */
export const USER_FLOW_MAX_PATH_LENGTH = 20;

export const userFlowArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  /** "events": every event, labelled by name; "pages": page views only, labelled by path. */
  mode: z.enum(['events', 'pages']).default('events'),
  limit: queryLimitSchema(20, 1000),
  path_length: z.number().int().min(1).max(USER_FLOW_MAX_PATH_LENGTH).default(3),
  /** Only sessions with an event in the range meeting every filter (their flow whole). */
  filters: filtersSchema,
});

export const performanceArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  /** Conditions on the performance events (page_performance, web_vitals, $web_vitals) themselves. */
  filters: filtersSchema,
  /** Paths in `pages` (devices and the overall figures are always complete). */
  limit: queryLimitSchema(50, 1000),
});

/** Sessions per page unless asked otherwise: a screenful of rows. */
export const SESSIONS_DEFAULT_LIMIT = 50;
/** Sessions per page at most: one response stays small enough to render. */
export const SESSIONS_MAX_LIMIT = 1000;
/** A page filter's path at most: longer than any URL path browsers send in practice (2 KiB). */
export const SESSIONS_PAGE_MAX_LENGTH = 2048;
/**
 * A cursor's text at most: what the server hands out (base64url JSON of a session id of at most
 * LIMITS.maxIdLength characters, 6 bytes each when JSON escapes them, and a few numbers) fits.
 */
export const SESSIONS_CURSOR_MAX_LENGTH = 4096;

export const sessionsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  /** Text found in the session id or one of its distinct ids, ignoring case (a part is enough). */
  search: z.string().trim().min(1).max(LIMITS.maxIdLength).optional(),
  has_error: z.boolean().optional(),
  /** Sessions with (true) or without (false) a `user_at_risk` insight. */
  at_risk: z.boolean().optional(),
  /** Sessions with a journey in this state. */
  journey_status: z.enum(JOURNEY_STATUSES).optional(),
  /** Sessions in which the processor detected this friction factor. */
  factor: z.enum(FRICTION_FACTOR_IDS).optional(),
  /** Sessions with an event on this path in the range (exact). */
  page: z.string().min(1).max(SESSIONS_PAGE_MAX_LENGTH).optional(),
  /** Sessions with an event from this browser / device class in the range (ignoring case). */
  browser: z.string().min(1).max(LIMITS.maxIdLength).optional(),
  device: z.string().min(1).max(LIMITS.maxIdLength).optional(),
  /** Sessions with an event in the range meeting every filter. */
  filters: filtersSchema,
  sort: z.enum(SESSION_SORTS).default('last_seen'),
  /** `next_cursor` of the previous page (with the same other arguments). */
  cursor: z.string().min(1).max(SESSIONS_CURSOR_MAX_LENGTH).optional(),
  limit: queryLimitSchema(SESSIONS_DEFAULT_LIMIT, SESSIONS_MAX_LIMIT),
});

export const sessionTimelineArgs = z.object({
  session_id: z.string().min(1).max(200),
  time_range: timeRangeSchema.default('30d'),
  limit: queryLimitSchema(1000, 10_000),
});

/** web_overview: the headline figures of the range and of the period of the same length before it. */
export const webOverviewArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  filters: filtersSchema,
});

/** Pages per answer unless asked otherwise, and at most. */
export const PAGES_DEFAULT_LIMIT = 50;
export const PAGES_MAX_LIMIT = 1000;

export const pagesArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  filters: filtersSchema,
  /** `entries` / `exits`: the entry or exit pages (pages no counted session entered / left by are left out). */
  sort: z.enum(PAGE_SORTS).default('views'),
  limit: queryLimitSchema(PAGES_DEFAULT_LIMIT, PAGES_MAX_LIMIT),
});

/**
 * entry_pages / exit_pages: views of `pages` sorted by entries / exits (as `sort` would), pages no
 * counted session entered / left by left out.
 */
export const entryPagesArgs = pagesArgs.omit({ sort: true });
export const exitPagesArgs = entryPagesArgs;

/** sources and devices: breakdowns of the range's sessions (each list at most `limit` values). */
const webBreakdownArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  filters: filtersSchema,
  limit: queryLimitSchema(WEB_BREAKDOWN_DEFAULT_LIMIT, WEB_BREAKDOWN_MAX_LIMIT),
});
export const sourcesArgs = webBreakdownArgs;
export const devicesArgs = webBreakdownArgs;
/** countries: sessions by their entry event's country (each list at most `limit` values). */
export const countriesArgs = webBreakdownArgs;

/**
 * bots: bot events dropped at ingest per UTC day. No `filters`: a dropped event is only counted,
 * so none of its properties is left to filter on.
 */
export const botsArgs = z.object({
  time_range: timeRangeSchema.default('30d'),
});

/** retention: `periods` cohorts of the last `periods` days or weeks, the current one included. */
export const retentionArgs = z
  .object({
    period: z.enum(RETENTION_PERIODS).default('week'),
    periods: z.number().int().min(1).max(RETENTION_MAX_PERIODS.day).default(RETENTION_DEFAULT_PERIODS),
    /** The event that makes an id count as returning; any event when absent. */
    returning_event: eventNameArgSchema.optional(),
    filters: filtersSchema,
  })
  .refine((args) => args.periods <= RETENTION_MAX_PERIODS[args.period], {
    message: `periods is at most ${RETENTION_MAX_PERIODS.week} weeks or ${RETENTION_MAX_PERIODS.day} days`,
    path: ['periods'],
  });
