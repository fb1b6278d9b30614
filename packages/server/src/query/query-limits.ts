import { definedOnly, positiveIntegerFromEnv } from '../env.js';

/**
 * How much of the engine queries may take: `POST /v1/query/<name>` and live re-runs share these
 * limits (query-scheduler.ts, query-runner.ts). docs/API.md lists them.
 */

/**
 * Time a query may take before it is cancelled and answered `503 query_timeout`. Every dashboard
 * query over 1 M events takes well under a second (bench/queries.ts), so 10 s only stops runaway
 * ones (years of data, pathological arguments) before they hold the engine for minutes.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/**
 * Queries of one project running at once. Two lets a dashboard's parallel panels overlap while a
 * project flooding the server still leaves the other slots to everyone else.
 */
export const DEFAULT_MAX_RUNNING_PER_PROJECT = 2;

/**
 * Queries running at once across all projects. DuckDB and ClickHouse each spread one query over
 * every core, so more at once only splits the same CPU (and memory) finer: 4 keeps cores busy
 * while one waits on I/O, and leaves room for ingest commits.
 */
export const DEFAULT_MAX_RUNNING = 4;

/**
 * Queries of one project waiting for a turn; past it the request is refused `429 rate_limited`.
 * Above the 50 live computations a project may hold (live-limits.ts), so live re-runs always find
 * room, while a flood of HTTP queries is refused before it holds much memory.
 */
export const DEFAULT_MAX_QUEUED_PER_PROJECT = 100;

export interface QueryLimits {
  /** Budget of one run, ms (see DEFAULT_QUERY_TIMEOUT_MS). */
  timeoutMs: number;
  maxRunningPerProject: number;
  maxRunning: number;
  maxQueuedPerProject: number;
}

export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimits> = {
  timeoutMs: DEFAULT_QUERY_TIMEOUT_MS,
  maxRunningPerProject: DEFAULT_MAX_RUNNING_PER_PROJECT,
  maxRunning: DEFAULT_MAX_RUNNING,
  maxQueuedPerProject: DEFAULT_MAX_QUEUED_PER_PROJECT,
};

/**
 * The operator's overrides: SIGHTLINE_QUERY_TIMEOUT_MS, SIGHTLINE_QUERY_CONCURRENCY,
 * SIGHTLINE_QUERY_CONCURRENCY_PER_PROJECT, SIGHTLINE_QUERY_QUEUE_PER_PROJECT (positive integers).
 */
export function queryLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<QueryLimits> {
  return definedOnly({
    timeoutMs: positiveIntegerFromEnv(env, 'SIGHTLINE_QUERY_TIMEOUT_MS'),
    maxRunning: positiveIntegerFromEnv(env, 'SIGHTLINE_QUERY_CONCURRENCY'),
    maxRunningPerProject: positiveIntegerFromEnv(env, 'SIGHTLINE_QUERY_CONCURRENCY_PER_PROJECT'),
    maxQueuedPerProject: positiveIntegerFromEnv(env, 'SIGHTLINE_QUERY_QUEUE_PER_PROJECT'),
  });
}
