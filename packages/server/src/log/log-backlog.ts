import { ApiError } from '../errors.js';
import type { EventLog, LogOffset } from './event-log.js';
import { DurableEnd } from './file/durable-end.js';

/** Where the stream processor is in the log. */
export interface ProcessorProgress {
  /** Its checkpoint: the next offset whose outputs are not stored (lag and back-pressure count from here). */
  checkpoint(): LogOffset;
  /**
   * Where a restart would replay from (its last saved session state, at most a few seconds behind
   * the checkpoint): the log keeps everything from here on.
   */
  replayFrom(): LogOffset;
}

/** A consumer's distance behind the log's end. */
export interface ConsumerLag {
  /** Records acknowledged that it has not handled yet. */
  events: number;
  /** How long the oldest of them has waited (0 when caught up). */
  ms: number;
}

export interface BacklogOptions {
  /** Capture answers `503 overloaded` once the slowest consumer is this many records behind. */
  maxBehindEvents: number;
  /** How long a read waits for the loader to pass what was acknowledged before it (read-your-acks). */
  readWaitMs: number;
  /** How often consumers' positions are released to the log (each release syncs a small file). */
  releaseEveryMs: number;
}

/**
 * One million events: about 0.5 GB of log at typical event sizes, and (measured: bench/ingest.ts)
 * well over ten seconds of the loader's pace, so a burst is absorbed while a loader that cannot
 * keep up is noticed before the disk fills or a restart's catch-up grows long.
 */
export const DEFAULT_BACKLOG: BacklogOptions = {
  maxBehindEvents: 1_000_000,
  readWaitMs: 10_000,
  // Each release writes and syncs a small file, which competes with the log's own syncs.
  releaseEveryMs: 1000,
};

/** Retry-After for capture refused while consumers catch up. */
const OVERLOADED_RETRY_AFTER_S = 1;

/**
 * The log's consumers seen from the HTTP thread: the loader (its position published in shared
 * memory by the database thread) and the stream processor (its checkpoint). It releases their
 * positions to the log so consumed segments go, refuses capture when they fall too far behind,
 * makes reads wait for what was acknowledged before them, and reports lag in events and ms.
 */
export class LogBacklog {
  /** The loader's position: the database thread sets it after each load commit. */
  readonly loaded = new DurableEnd();
  /** The furthest end a read is waiting to see loaded: the loader stops lingering for company when it is ahead. */
  readonly readsWaitFor = new DurableEnd();
  /** Append times: ends[i] is the log end after an append acknowledged at times[i]. */
  private ends: LogOffset[] = [];
  private times: number[] = [];
  private head = 0;
  /** Per project, the log's end after its latest acknowledged append: its reads wait for no one else's events. */
  private readonly projectEnds = new Map<string, LogOffset>();
  private readonly startedAt: number;
  private readonly endAtStart: LogOffset;
  private readonly timer: NodeJS.Timeout;
  private released = new Map<string, LogOffset>();

  constructor(
    private readonly log: EventLog,
    private readonly processor: ProcessorProgress,
    private readonly options: BacklogOptions = DEFAULT_BACKLOG,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.endAtStart = log.bounds().end;
    // Until the loader reports, it is at least at the log's start (what came before is stored).
    this.loaded.set(log.bounds().start);
    this.timer = setInterval(() => void this.release(), options.releaseEveryMs);
    this.timer.unref();
  }

  /** An append of `rows` was acknowledged: the log's end is now `end`. */
  appended(end: LogOffset, rows: ReadonlyArray<{ project_id: string }>): void {
    this.ends.push(end);
    this.times.push(this.now());
    // A request's rows are one project's: one map write per run of a project, not per row.
    let project: string | undefined;
    for (const row of rows) {
      if (row.project_id === project) continue;
      project = row.project_id;
      this.projectEnds.set(project, end);
    }
  }

  /** Throws `503 overloaded` while the slowest consumer is too far behind (nothing acknowledged is affected). */
  assertRoom(): void {
    const behind = this.log.bounds().end - Math.min(this.loaded.get(), this.processor.checkpoint());
    if (behind > this.options.maxBehindEvents)
      throw new ApiError(
        'overloaded',
        `${behind} acknowledged events are waiting to be loaded and processed; retry shortly`,
        { retryAfterS: OVERLOADED_RETRY_AFTER_S },
      );
  }

  /**
   * Resolves once the loader has stored every event of `projectId` (of every project when absent)
   * acknowledged before this call, so a read started after an event's 200 sees it; `503
   * loading_behind` past the bounded wait. A project's read waits only for its own appends (and
   * what this process found unloaded at its start, whose projects it does not know): another
   * project's stream of captures never holds it up.
   */
  async readBarrier(projectId?: string, signal?: AbortSignal): Promise<void> {
    const end = this.log.bounds().end;
    const target =
      projectId === undefined
        ? end
        : Math.min(end, Math.max(this.endAtStart, this.projectEnds.get(projectId) ?? 0));
    if (this.loaded.get() >= target) return;
    if (this.readsWaitFor.get() < target) this.readsWaitFor.set(target);
    const bound = AbortSignal.timeout(this.options.readWaitMs);
    const both = signal ? AbortSignal.any([signal, bound]) : bound;
    try {
      await this.loaded.waitPastShared(target - 1, both);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(
        'loading_behind',
        `events acknowledged before this read are still being loaded (${target - this.loaded.get()} to go after ${this.options.readWaitMs} ms); retry shortly`,
        { retryAfterS: 1 },
      );
    }
  }

  lag(): { loader: ConsumerLag; processor: ConsumerLag } {
    return { loader: this.lagOf(this.loaded.get()), processor: this.lagOf(this.processor.checkpoint()) };
  }

  /** Releases the consumers' positions now (also every `releaseEveryMs`). */
  async release(): Promise<void> {
    const positions: Array<[string, LogOffset]> = [
      ['loader', this.loaded.get()],
      ['processor', Math.min(this.processor.replayFrom(), this.processor.checkpoint())],
    ];
    for (const [name, position] of positions) {
      if (this.released.get(name) === position) continue;
      this.released.set(name, position);
      await this.log.consumers.release(name, position).catch(() => undefined);
    }
    this.forget(Math.min(...positions.map(([, p]) => p)));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private lagOf(position: LogOffset): ConsumerLag {
    const end = this.log.bounds().end;
    if (position >= end) return { events: 0, ms: 0 };
    let since = this.startedAt;
    // Records from before this process started have no append time: they have waited at least since then.
    if (position >= this.endAtStart) {
      // The first append whose end is past `position` holds the oldest record not handled yet.
      let lo = this.head;
      let hi = this.ends.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.ends[mid]! > position) hi = mid;
        else lo = mid + 1;
      }
      since = this.times[lo] ?? this.now();
    }
    return { events: end - position, ms: Math.max(0, this.now() - since) };
  }

  /** Append times every consumer has passed are not needed again. */
  private forget(position: LogOffset): void {
    while (this.head < this.ends.length && this.ends[this.head]! <= position) this.head++;
    if (this.head > 4096 && this.head * 2 > this.ends.length) {
      this.ends = this.ends.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
