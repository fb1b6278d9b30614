import { ApiError } from '../errors.js';
import type { QueryRunner } from '../query/query-runner.js';
import type { QueryDefinition } from '../query/registry.js';
import type { LaneRelease, LiveLanes } from './live-lanes.js';

/** Receives a shared query's results: the value as JSON text, or an error message. */
export interface SubscriberSink {
  result(valueJson: string): void;
  error(code: string, message: string): void;
}

export interface SharedQueryOptions {
  runner: QueryRunner;
  /** The project's turns among its live computations (one run at a time, rests under contention). */
  lanes: LiveLanes;
  projectId: string;
  definition: QueryDefinition<unknown, unknown>;
  args: unknown;
  /** Minimum time between two runs. */
  intervalMs: number;
  /** A run that took d ms is followed by at least costFactor·d ms without a run. */
  costFactor: number;
  /** Cap of the wait after repeated timeouts (or refused turns). */
  maxBackoffMs: number;
  /** Called at every run (tests and metrics count computations). */
  onRun(): void;
}

/** Failures that say "the engine is busy, try later": the run is retried after a growing wait. */
const RETRIED_CODES: ReadonlySet<string> = new Set(['query_timeout', 'rate_limited']);

/**
 * One (project, query, args) computation shared by every subscriber. Dirty marks coalesce: it runs
 * once at a time, at most once per interval and only after resting costFactor times as long as its
 * last run took, and pushes only when the serialized result changed. Runs go through the shared
 * QueryRunner (fair turns, time budget); stop() cancels the run under way.
 */
export class SharedQuery {
  private readonly sinks = new Set<SubscriberSink>();
  private lastJson: string | null = null;
  private lastRunAt = Number.NEGATIVE_INFINITY;
  /** When the last run ended and how long it held the engine. */
  private lastEndedAt = Number.NEGATIVE_INFINITY;
  private lastDurationMs = 0;
  /** Extra wait after timeouts or refused turns in a row (0 after a run that finished). */
  private backoffMs = 0;
  private dirty = false;
  private running: AbortController | null = null;
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

  /** No more runs; a run waiting for its turn or running is cancelled. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running?.abort(new Error('live query stopped'));
  }

  private schedule(): void {
    if (this.running || this.timer || this.stopped) return;
    const { intervalMs, costFactor } = this.options;
    const next = Math.max(
      this.lastRunAt + intervalMs,
      this.lastEndedAt + costFactor * this.lastDurationMs,
      this.lastEndedAt + this.backoffMs,
    );
    const wait = Math.max(0, next - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
  }

  private async run(): Promise<void> {
    if (!this.dirty || this.stopped) return;
    this.dirty = false;
    const controller = new AbortController();
    this.running = controller;
    this.lastRunAt = Date.now();
    const { runner, lanes, projectId, definition, args } = this.options;
    let release: LaneRelease | null = null;
    let turnStarted = 0;
    let heldMs: number | null = null;
    try {
      release = await lanes.turn(projectId, controller.signal);
      turnStarted = performance.now();
      this.options.onRun();
      const { value, runMs } = await runner.run({
        projectId,
        definition,
        args,
        signal: controller.signal,
        budgetIncludesWait: false,
      });
      heldMs = runMs;
      this.lastDurationMs = runMs;
      this.backoffMs = 0;
      const json = JSON.stringify(value);
      if (json !== this.lastJson && !this.stopped) {
        this.lastJson = json;
        for (const sink of this.sinks) sink.result(json);
      }
    } catch (error) {
      if (this.stopped) return;
      this.lastJson = null;
      // Argument errors found while running (e.g. too many buckets) keep their code.
      const code = error instanceof ApiError ? error.code : 'internal_error';
      if (RETRIED_CODES.has(code)) this.backOff(code === 'query_timeout' ? runner.limits.timeoutMs : 0);
      const message = error instanceof Error ? error.message : String(error);
      for (const sink of this.sinks) sink.error(code, `query ${definition.name}: ${message}`);
    } finally {
      release?.(heldMs ?? performance.now() - turnStarted);
      this.lastEndedAt = Date.now();
      this.running = null;
      if (this.dirty) this.schedule();
    }
  }

  /** The engine could not serve this run: retry later, waiting twice as long after each failure in a row. */
  private backOff(heldMs: number): void {
    const { costFactor, intervalMs, maxBackoffMs } = this.options;
    this.lastDurationMs = heldMs;
    const first = costFactor * Math.max(heldMs, intervalMs);
    this.backoffMs = Math.min(maxBackoffMs, this.backoffMs === 0 ? first : this.backoffMs * 2);
    this.dirty = true;
  }
}
