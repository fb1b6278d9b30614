import { describeIssues } from '@sightline/schema';
import { ApiError } from '../errors.js';
import { QUERIES } from '../query/index.js';
import type { StorageEngine } from '../storage/engine.js';
import { SharedQuery, type SubscriberSink } from './shared-query.js';

export const DEFAULT_LIVE_INTERVAL_MS = 250;

/** Queries over the processor's tables only: only its commits change them. */
const PROCESSOR_QUERIES = new Set(['insights', 'interventions', 'friction', 'journeys']);
/** Queries over events that also read the processor's tables (at-risk flags, inline insights). */
const MIXED_QUERIES = new Set(['sessions', 'session_timeline']);

/** Whether a write from `source` can change the result of query `name`. */
export function readsFrom(name: string, source: WriteSource): boolean {
  if (MIXED_QUERIES.has(name)) return true;
  return PROCESSOR_QUERIES.has(name) === (source === 'processor');
}

/** What a write changed: stored events (ingest commits) or the processor's outputs. */
export type WriteSource = 'events' | 'processor';

export interface LiveQueriesOptions {
  intervalMs: number;
}

/**
 * The live query registry: identical (project, query, validated args) subscriptions share one
 * SharedQuery; writes mark them dirty.
 */
export class LiveQueries {
  private readonly shared = new Map<string, { query: SharedQuery; name: string }>();
  /** Query runs so far (every SharedQuery's); tests check sharing with it. */
  executions = 0;

  constructor(
    private readonly engine: StorageEngine,
    private readonly options: LiveQueriesOptions = { intervalMs: DEFAULT_LIVE_INTERVAL_MS },
  ) {}

  /** Validates like `POST /v1/query/<name>` (ApiError on unknown query or bad args); returns the unsubscribe. */
  subscribe(projectId: string, name: string, rawArgs: unknown, sink: SubscriberSink): () => void {
    const definition = QUERIES.get(name);
    if (!definition) {
      throw new ApiError('not_found', `unknown query "${name}"; known: ${[...QUERIES.keys()].join(', ')}`);
    }
    const parsed = definition.args.safeParse(rawArgs ?? {});
    if (!parsed.success) throw new ApiError('invalid_arguments', describeIssues(parsed.error));
    // The parsed args (defaults filled, keys in schema order) make the key, so equivalent requests share.
    const key = JSON.stringify([projectId, name, parsed.data]);
    let entry = this.shared.get(key);
    if (!entry) {
      const query = new SharedQuery({
        engine: this.engine,
        projectId,
        definition,
        args: parsed.data,
        intervalMs: this.options.intervalMs,
        onRun: () => this.executions++,
      });
      entry = { query, name };
      this.shared.set(key, entry);
    }
    const { query } = entry;
    query.add(sink);
    return () => {
      query.remove(sink);
      if (query.subscriberCount === 0) {
        query.stop();
        this.shared.delete(key);
      }
    };
  }

  /** A write happened: re-run (throttled) the subscriptions it may change. */
  invalidate(source: WriteSource = 'events'): void {
    for (const { query, name } of this.shared.values()) {
      if (readsFrom(name, source)) query.markDirty();
    }
  }

  get sharedCount(): number {
    return this.shared.size;
  }

  close(): void {
    for (const { query } of this.shared.values()) query.stop();
    this.shared.clear();
  }
}
