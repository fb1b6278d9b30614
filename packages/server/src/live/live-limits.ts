import { definedOnly, positiveIntegerFromEnv } from '../env.js';

/**
 * What `GET /v1/live` lets one project hold. Every limit is per project (or per connection), so a
 * secret key holder can use the server fully but never starve other projects. docs/API.md lists them.
 */

/** Minimum time between two runs of one live computation: writes within it coalesce into one run. */
export const DEFAULT_LIVE_INTERVAL_MS = 250;

/**
 * A computation whose last run took d ms waits at least k·d before its next run, so under constant
 * writes one live query uses at most 1/(k+1) of an engine slot: 4 leaves 80 % of its time to others.
 */
export const DEFAULT_LIVE_COST_FACTOR = 4;

/**
 * After a run that hit its time budget, the next waits k·budget, doubling with each further
 * timeout up to this cap: a query that cannot finish is retried rarely, not never.
 */
export const DEFAULT_LIVE_MAX_BACKOFF_MS = 5 * 60_000;

/** A dashboard page subscribes to about a dozen queries; 50 leaves room for several views on one socket. */
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;

/**
 * Subscriptions of one project across its connections: ten dashboards fully subscribed. Identical
 * ones share a computation, so this bounds memory for sinks and outboxes, not engine time.
 */
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_PROJECT = 500;

/**
 * Distinct computations (query + args) of one project. Each re-runs on writes, so this, with the
 * cost factor and the per-project query slots, bounds the engine time one project's live queries
 * take; 50 is several dashboards with different filters.
 */
export const DEFAULT_MAX_COMPUTATIONS_PER_PROJECT = 50;

/** Open `/v1/live` sockets of one project (each holds buffers and a ping timer). */
export const DEFAULT_MAX_CONNECTIONS_PER_PROJECT = 100;

export interface LiveLimits {
  intervalMs: number;
  costFactor: number;
  maxBackoffMs: number;
  maxSubscriptionsPerConnection: number;
  maxSubscriptionsPerProject: number;
  maxComputationsPerProject: number;
  maxConnectionsPerProject: number;
}

export const DEFAULT_LIVE_LIMITS: Readonly<LiveLimits> = {
  intervalMs: DEFAULT_LIVE_INTERVAL_MS,
  costFactor: DEFAULT_LIVE_COST_FACTOR,
  maxBackoffMs: DEFAULT_LIVE_MAX_BACKOFF_MS,
  maxSubscriptionsPerConnection: DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION,
  maxSubscriptionsPerProject: DEFAULT_MAX_SUBSCRIPTIONS_PER_PROJECT,
  maxComputationsPerProject: DEFAULT_MAX_COMPUTATIONS_PER_PROJECT,
  maxConnectionsPerProject: DEFAULT_MAX_CONNECTIONS_PER_PROJECT,
};

/**
 * The operator's overrides (positive integers): SIGHTLINE_LIVE_INTERVAL_MS,
 * SIGHTLINE_LIVE_COST_FACTOR, SIGHTLINE_LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
 * SIGHTLINE_LIVE_MAX_SUBSCRIPTIONS_PER_PROJECT, SIGHTLINE_LIVE_MAX_COMPUTATIONS_PER_PROJECT,
 * SIGHTLINE_LIVE_MAX_CONNECTIONS_PER_PROJECT.
 */
export function liveLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<LiveLimits> {
  return definedOnly<LiveLimits>({
    intervalMs: positiveIntegerFromEnv(env, 'SIGHTLINE_LIVE_INTERVAL_MS'),
    costFactor: positiveIntegerFromEnv(env, 'SIGHTLINE_LIVE_COST_FACTOR'),
    maxBackoffMs: undefined,
    maxSubscriptionsPerConnection: positiveIntegerFromEnv(
      env,
      'SIGHTLINE_LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION',
    ),
    maxSubscriptionsPerProject: positiveIntegerFromEnv(env, 'SIGHTLINE_LIVE_MAX_SUBSCRIPTIONS_PER_PROJECT'),
    maxComputationsPerProject: positiveIntegerFromEnv(env, 'SIGHTLINE_LIVE_MAX_COMPUTATIONS_PER_PROJECT'),
    maxConnectionsPerProject: positiveIntegerFromEnv(env, 'SIGHTLINE_LIVE_MAX_CONNECTIONS_PER_PROJECT'),
  });
}
