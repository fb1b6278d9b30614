/**
 * What a query can read and a write can touch, one name per kind of stored data. Queries declare
 * the data sets they read (`QueryDefinition.reads`); every write announces the ones it touched
 * (live/write-notices.ts); a live query re-runs only when the two meet. The processor's own state
 * (session state, checkpoint) and the project list are left out: no query reads them.
 */
export const DATA_SETS = [
  /** `events`, and the session rollup (StorageEngine.rollup) built from them. */
  'events',
  /** The processor's `journeys`. */
  'journeys',
  /** The processor's `insights`, and their status (acknowledged, resolved). */
  'insights',
  /** The processor's `interventions`: created, delivered over SSE, shown, answered. */
  'interventions',
  /** The processor's per-session friction (`session_friction`). */
  'friction',
  /** Per-project intervention rules (`intervention_rules`). */
  'rules',
  /** Per-project webhook targets (`webhooks`). */
  'webhooks',
  /** Per-project key settings: the key funnel and key journey (`project_settings`). */
  'settings',
  /** Bot events dropped at ingest, per project and day (`bot_counts`). */
  'bots',
] as const;

export type DataSet = (typeof DATA_SETS)[number];

/** What one write touched: the data sets, per project. */
export type ProjectWrites = ReadonlyMap<string, ReadonlySet<DataSet>>;

/** Adds `set` to what `projectId` touched in `writes`. */
export function addWrite(writes: Map<string, Set<DataSet>>, projectId: string, set: DataSet): void {
  let sets = writes.get(projectId);
  if (!sets) {
    sets = new Set();
    writes.set(projectId, sets);
  }
  sets.add(set);
}

/** Whether a query reading `reads` can see a write that touched `touched`. */
export function readsAny(reads: readonly DataSet[], touched: ReadonlySet<DataSet>): boolean {
  return reads.some((set) => touched.has(set));
}

/**
 * What a run with `args` reads: the query's declared `reads`, plus `events` when the run has
 * `filters` — a filter is a condition on events (a processor view keeps the sessions with a
 * matching event), so a new event can change a filtered answer of any query, while the unfiltered
 * subscriptions of processor views stay quiet on event writes.
 */
export function readsFor(reads: readonly DataSet[], args: unknown): readonly DataSet[] {
  if (reads.includes('events')) return reads;
  const filters = (args as { filters?: unknown } | null)?.filters;
  return Array.isArray(filters) && filters.length > 0 ? [...reads, 'events'] : reads;
}
