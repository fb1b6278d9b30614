import { dashboardQuery } from './dashboard.js';
import type { QueryDefinition } from './registry.js';

/** Every query `POST /v1/query/<name>` and live subscriptions can run, by name. */
export const QUERIES: ReadonlyMap<string, QueryDefinition<unknown, unknown>> = new Map(
  [dashboardQuery].map((q) => [q.name, q as unknown as QueryDefinition<unknown, unknown>]),
);
