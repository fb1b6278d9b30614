import { ApiError } from '../errors.js';
import type { QueryContext, QueryDefinition } from '../query/registry.js';
import type { StorageEngine } from '../storage/engine.js';

/** Receives a shared query's results: the value as JSON text, or an error message. */
export interface SubscriberSink {
  result(valueJson: string): void;
  error(code: string, message: string): void;
}

export interface SharedQueryOptions {
  engine: StorageEngine;
  projectId: string;
  definition: QueryDefinition<unknown, unknown>;
  args: unknown;
  /** Minimum time between two runs. */
  intervalMs: number;
  /** Called at every run (tests and metrics count computations). */
  onRun(): void;
}

/**
 * One (project, query, args) computation shared by every subscriber. Dirty marks coalesce: it runs
 * at most once per interval and once at a time, and pushes only when the serialized result changed.
 */
export class SharedQuery {
  private readonly sinks = new Set<SubscriberSink>();
  private lastJson: string | null = null;
  private lastRunAt = Number.NEGATIVE_INFINITY;
  /** When the last run ended and how long it took: a slow query waits as long as it ran. */
  private lastEndedAt = Number.NEGATIVE_INFINITY;
  private lastDurationMs = 0;
  private dirty = false;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly options: SharedQueryOptions) {}

  get subscriberCount(): number {
    return this.sinks.size;
  }

  /** Adds a subscriber; it gets the current result at once when there is one, else with the first run. */
  add(sink: SubscriberSink): void {
    this.sinks.add(sink);
    if (this.lastJson !== null) sink.result(this.lastJson);
    // No value yet (first subscriber, or the last run failed): run unless a run is under way.
    else if (!this.running) this.markDirty();
  }

  remove(sink: SubscriberSink): void {
    this.sinks.delete(sink);
  }

  markDirty(): void {
    this.dirty = true;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.running || this.timer || this.stopped) return;
    // At most once per interval, and idle at least as long as the last run took (under constant
    // writes a slow query then uses at most half of the engine's time).
    const next = Math.max(this.lastRunAt + this.options.intervalMs, this.lastEndedAt + this.lastDurationMs);
    const wait = Math.max(0, next - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
  }

  private async run(): Promise<void> {
    if (!this.dirty || this.stopped) return;
    this.dirty = false;
    this.running = true;
    this.lastRunAt = Date.now();
    this.options.onRun();
    const { engine, projectId, definition, args } = this.options;
    const ctx: QueryContext = { engine, projectId, now: Date.now() };
    try {
      const json = JSON.stringify(await definition.run(ctx, args));
      if (json !== this.lastJson && !this.stopped) {
        this.lastJson = json;
        for (const sink of this.sinks) sink.result(json);
      }
    } catch (error) {
      this.lastJson = null;
      // Argument errors found while running (e.g. too many buckets) keep their code.
      const code = error instanceof ApiError ? error.code : 'internal_error';
      const message = error instanceof Error ? error.message : String(error);
      for (const sink of this.sinks) sink.error(code, `query ${definition.name}: ${message}`);
    } finally {
      this.lastEndedAt = Date.now();
      this.lastDurationMs = this.lastEndedAt - this.lastRunAt;
      this.running = false;
      if (this.dirty) this.schedule();
    }
  }
}
