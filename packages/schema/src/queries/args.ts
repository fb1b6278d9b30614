import { z } from 'zod';
import { DEFAULT_FUNNEL_STEPS, DEFAULT_FUNNEL_WINDOW_MS } from '../query-results.js';
import { timeRangeSchema } from '../time-range.js';
import { INSIGHT_STATUSES, JOURNEY_STATUSES } from './processor-results.js';

/**
 * What a caller may send to each query (`POST /v1/query/<name>`, live subscriptions): the server
 * validates with these schemas and the clients take their input types from them (query-map.ts),
 * so a new argument reaches both sides at once. Browser packages import these as types only.
 */

/** A page of results: 1..max rows, `fallback` when the caller gives none. */
export const queryLimitSchema = (fallback: number, max: number) =>
  z.number().int().min(1).max(max).default(fallback);

/** 2–10 event names, in order; the demo's upload funnel when none are given. */
export const funnelStepsSchema = z
  .array(z.string().min(1).max(200))
  .min(2)
  .max(10)
  .default([...DEFAULT_FUNNEL_STEPS]);

/** A step's drop above this fraction makes it a drop-off point (the largest drop always is one). */
export const DEFAULT_DROP_OFF_THRESHOLD = 0.3;
/** Insights per answer unless asked otherwise: a screenful of cards. */
export const INSIGHTS_DEFAULT_LIMIT = 100;
/** Insights per answer at most: the rows of one response stay small enough to render. */
export const INSIGHTS_MAX_LIMIT = 1000;

const rangeArgs = z.object({ time_range: timeRangeSchema.default('24h') });

export const dashboardArgs = rangeArgs;
export const overviewArgs = rangeArgs;
export const interventionsArgs = rangeArgs;

export const insightsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  status: z.enum(INSIGHT_STATUSES).optional(),
  insight_type: z.string().min(1).max(100).optional(),
  session_id: z.string().min(1).max(200).optional(),
  limit: queryLimitSchema(INSIGHTS_DEFAULT_LIMIT, INSIGHTS_MAX_LIMIT),
});

export const journeysArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  journey_name: z.string().min(1).max(200).optional(),
});

export const frictionArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  session_id: z.string().min(1).max(200).optional(),
  limit: queryLimitSchema(50, 1000),
});

export const timeseriesArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  interval: z.enum(['minute', 'hour', 'day']).default('hour'),
});

export const topEventsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  limit: queryLimitSchema(10, 1000),
});

export const funnelArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  steps: funnelStepsSchema,
  unit: z.enum(['session', 'user']).default('session'),
  window_ms: z
    .number()
    .int()
    .min(0)
    .max(90 * 86_400_000)
    .default(DEFAULT_FUNNEL_WINDOW_MS),
  breakdown: z.string().min(1).max(200).optional(),
});

export const dropOffsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  /** Without steps, the project's key funnel's. */
  steps: funnelStepsSchema.unwrap().optional(),
  threshold: z.number().min(0).max(1).default(DEFAULT_DROP_OFF_THRESHOLD),
});

export const userFlowArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  /** "events": every event, labelled by name; "pages": page views only, labelled by path. */
  mode: z.enum(['events', 'pages']).default('events'),
  limit: queryLimitSchema(20, 1000),
  path_length: z.number().int().min(1).max(20).default(3),
});

export const performanceArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  limit: queryLimitSchema(50, 1000),
});

export const sessionsArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  has_error: z.boolean().optional(),
  /** Sessions with (true) or without (false) a `user_at_risk` insight. */
  at_risk: z.boolean().optional(),
  /** Sessions with a journey in this state. */
  journey_status: z.enum(JOURNEY_STATUSES).optional(),
  limit: queryLimitSchema(50, 1000),
});

export const sessionTimelineArgs = z.object({
  session_id: z.string().min(1).max(200),
  time_range: timeRangeSchema.default('30d'),
  limit: queryLimitSchema(1000, 10_000),
});
