import { setMaxListeners } from 'node:events';
import type { KeySettings } from '@sightline/schema';
import { ApiError, shuttingDown } from '../errors.js';
import { defaultKeySettings } from '../projects/key-settings.js';
import type { StorageEngine } from '../storage/engine.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-limits.js';
import { QueryScheduler } from './query-scheduler.js';
import type { QueryDefinition } from './registry.js';
import { engineForRun } from './run-engine.js';

/** A project's key settings as in force now (processor/project-settings.ts keeps them). */
export type KeySettingsSource = (projectId: string) => KeySettings;

export interface RunRequest<Args, Result> {
  projectId: string;
  definition: QueryDefinition<Args, Result>;
  /** Already validated by `definition.args`. */
  args: Args;
  /** The caller gave up (client gone, subscription stopped): the run leaves the queue or is cancelled. */
  signal?: AbortSignal;
  /**
   * Whether the wait for a turn counts against the budget. An HTTP caller waits for its answer, so
   * it does; a live re-run only holds the engine while it runs, so its budget starts with its turn.
   */
  budgetIncludesWait: boolean;
}

export interface RunOutcome<Result> {
  value: Result;
  /** Time the run held its turn on the engine (waiting excluded), ms. */
  runMs: number;
}

/** Run ended: later engine calls of its still-running branches must not start. */
const RUN_ENDED = new Error('the query run has ended');

/**
 * Runs queries for `POST /v1/query/<name>` and live subscriptions alike: a fair turn on the engine
 * (query-scheduler.ts), then the run under a time budget. Past the budget the engine's work is
 * cancelled (storage engines honour the signal) and the caller gets `503 query_timeout` at once;
 * the turn is given back only when the engine has let go of every statement of the run.
 */
export class QueryRunner {
  readonly limits: Readonly<QueryLimits>;
  private readonly scheduler: QueryScheduler;
  private readonly active = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly engine: StorageEngine,
    limits: Partial<QueryLimits> = {},
    /** Without a source (tests of the runner alone), every project has its defaults. */
    private readonly keySettings: KeySettingsSource = defaultKeySettings,
    /** Waited for before each run: what the project had acknowledged before it is loaded (log/log-backlog.ts). */
    private readonly readBarrier: (projectId: string, signal: AbortSignal) => Promise<void> = () =>
      Promise.resolve(),
  ) {
    this.limits = { ...DEFAULT_QUERY_LIMITS, ...limits };
    this.scheduler = new QueryScheduler(this.limits);
  }

  /** Queries running now (all projects, or one). */
  runningCount(projectId?: string): number {
    return this.scheduler.runningCount(projectId);
  }

  /** Whether another project has used the engine (run or waited for a query) within `withinMs`. */
  othersActive(projectId: string, withinMs: number): boolean {
    return this.scheduler.othersActive(projectId, withinMs);
  }

  /** Queries waiting for a turn now (all projects, or one). */
  waitingCount(projectId?: string): number {
    return this.scheduler.waitingCount(projectId);
  }

  async run<Args, Result>(request: RunRequest<Args, Result>): Promise<RunOutcome<Result>> {
    if (this.closed) throw shuttingDown();
    const { projectId, definition, args, signal } = request;
    const { timeoutMs } = this.limits;
    const controller = new AbortController();
    // Every engine statement of the run listens on this signal; a dashboard query runs dozens.
    setMaxListeners(256, controller.signal);
    const overBudget = () =>
      controller.abort(
        new ApiError(
          'query_timeout',
          `query ${definition.name} took longer than its ${timeoutMs} ms budget and was cancelled`,
        ),
      );
    let deadline = Date.now() + timeoutMs;
    let timer = request.budgetIncludesWait ? setTimeout(overBudget, timeoutMs) : null;
    const callerLeft = () => controller.abort(signal?.reason);
    if (signal?.aborted) callerLeft();
    signal?.addEventListener('abort', callerLeft, { once: true });
    this.active.add(controller);
    try {
      await this.readBarrier(projectId, controller.signal);
      const release = await this.scheduler.acquire(projectId, controller.signal);
      if (!timer) {
        deadline = Date.now() + timeoutMs;
        timer = setTimeout(overBudget, timeoutMs);
      }
      const started = performance.now();
      const run = engineForRun(this.engine, controller.signal, deadline);
      const running = definition.run(
        {
          engine: run.engine,
          projectId,
          now: Date.now(),
          settings: this.keySettings(projectId),
          signal: controller.signal,
        },
        args,
      );
      // The turn ends when the engine is done with every statement, not when the caller got an answer.
      void running
        .then(noop, noop)
        .then(() => run.settled())
        .then(release);
      const value = await untilAborted(running, controller.signal);
      return { value, runMs: performance.now() - started };
    } catch (error) {
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', callerLeft);
      this.active.delete(controller);
      controller.abort(RUN_ENDED);
    }
  }

  /** Shutdown: cancels every waiting and running query (`shutting_down`); later runs are refused. */
  close(): void {
    this.closed = true;
    const reason = shuttingDown();
    for (const controller of this.active) controller.abort(reason);
    this.active.clear();
  }
}

function noop(): void {}

/** `work`, or the signal's reason as soon as it is aborted (a query busy in TypeScript cannot delay the answer). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
