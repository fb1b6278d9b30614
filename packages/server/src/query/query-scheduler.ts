import { ApiError } from '../errors.js';
import type { QueryLimits } from './query-limits.js';

export type SchedulerLimits = Pick<
  QueryLimits,
  'maxRunning' | 'maxRunningPerProject' | 'maxQueuedPerProject'
>;

/** Gives a slot back; calling it more than once does nothing. */
export type Release = () => void;

interface Lane {
  running: number;
  /** Each waiting query's grant, oldest first. */
  waiting: Array<(release: Release) => void>;
}

/**
 * Fair turns on the engine: at most `maxRunning` queries at once, at most `maxRunningPerProject`
 * of one project, and waiting queries served round-robin across projects, so a project that floods
 * the server queues behind itself while the others keep their turns. Each project's queue is
 * bounded (`rate_limited` past it).
 */
export class QueryScheduler {
  private running = 0;
  /** Projects with a query running or waiting. */
  private readonly lanes = new Map<string, Lane>();
  /** Projects with queries waiting, in the order of their next turn (a served project goes last). */
  private readonly turns = new Set<string>();
  /** When each project last asked for or gave back a turn (see othersActive). */
  private readonly lastActive = new Map<string, number>();

  constructor(private readonly limits: SchedulerLimits) {}

  /** Queries running now (all projects, or one). */
  runningCount(projectId?: string): number {
    return projectId === undefined ? this.running : (this.lanes.get(projectId)?.running ?? 0);
  }

  /** Queries waiting now (all projects, or one). */
  waitingCount(projectId?: string): number {
    if (projectId !== undefined) return this.lanes.get(projectId)?.waiting.length ?? 0;
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.waiting.length;
    return n;
  }

  /**
   * Whether a project other than `projectId` has a query running or waiting, or had one within the
   * last `withinMs`: live re-runs then leave it room (live/live-lanes.ts).
   */
  othersActive(projectId: string, withinMs: number): boolean {
    for (const [id, lane] of this.lanes) {
      if (id !== projectId && (lane.running > 0 || lane.waiting.length > 0)) return true;
    }
    const since = Date.now() - withinMs;
    let active = false;
    for (const [id, at] of this.lastActive) {
      if (at < since) this.lastActive.delete(id);
      else if (id !== projectId) active = true;
    }
    return active;
  }

  /**
   * Resolves with the release once the query may run. Rejects with `rate_limited` when the
   * project's queue is full, and with the signal's reason when it is aborted while waiting.
   */
  acquire(projectId: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.lastActive.set(projectId, Date.now());
    const lane = this.lane(projectId);
    if (lane.waiting.length >= this.limits.maxQueuedPerProject) {
      this.forgetIfIdle(projectId, lane);
      return Promise.reject(
        new ApiError(
          'rate_limited',
          `this project already has ${lane.waiting.length} queries waiting for the engine; retry later`,
          // Its queries take about a second each to drain.
          { retryAfterS: 1 },
        ),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const at = lane.waiting.indexOf(waiter);
        if (at >= 0) lane.waiting.splice(at, 1);
        if (lane.waiting.length === 0) this.turns.delete(projectId);
        this.forgetIfIdle(projectId, lane);
        reject(signal?.reason);
      };
      const waiter = (release: Release) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.waiting.push(waiter);
      this.turns.add(projectId);
      this.dispatch();
    });
  }

  private lane(projectId: string): Lane {
    let lane = this.lanes.get(projectId);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(projectId, lane);
    }
    return lane;
  }

  private forgetIfIdle(projectId: string, lane: Lane): void {
    if (lane.running === 0 && lane.waiting.length === 0) this.lanes.delete(projectId);
  }

  /** Grants free slots, one project at a time in turn order, skipping projects at their own limit. */
  private dispatch(): void {
    while (this.running < this.limits.maxRunning) {
      const projectId = this.nextProject();
      if (projectId === undefined) return;
      const lane = this.lane(projectId);
      const grant = lane.waiting.shift() as (release: Release) => void;
      this.turns.delete(projectId);
      if (lane.waiting.length > 0) this.turns.add(projectId);
      lane.running++;
      this.running++;
      let released = false;
      grant(() => {
        if (released) return;
        released = true;
        this.lastActive.set(projectId, Date.now());
        lane.running--;
        this.running--;
        this.forgetIfIdle(projectId, lane);
        this.dispatch();
      });
    }
  }

  private nextProject(): string | undefined {
    for (const projectId of this.turns) {
      if (this.lane(projectId).running < this.limits.maxRunningPerProject) return projectId;
    }
    return undefined;
  }
}
