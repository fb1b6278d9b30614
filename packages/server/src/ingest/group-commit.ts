import { ApiError } from '../errors.js';
import { storageUnavailable } from '../http/storage-unavailable.js';
import type { BotCount, EventRow, InsertResult, StorageEngine, StorageErrorKind } from '../storage/engine.js';
import { type BotsCountedListener, BotTally } from './bot-tally.js';

export type CommitListener = (rows: readonly EventRow[], result: InsertResult) => void;

export interface CommitOutcome {
  /** Rows stored by this commit. */
  inserted: number;
  /** Rows whose (project, uuid) was already stored, or repeated. */
  duplicates: number;
  /** Positions (in the submitted rows) the engine refused to store, with its reason; the rest were stored. */
  refused: Array<{ row: number; error: string }>;
}

/** Whether a failed commit was about the rows (retry without them) or about the store (fail them all). */
export type FailureKind = StorageErrorKind;

export interface GroupCommitOptions {
  /** How long the first request of an idle period waits for company before committing. */
  lingerMs: number;
  /** Upper bound on rows in one transaction. */
  maxRowsPerCommit: number;
  /** Groups handed to the engine at once (1: the DuckDB engine commits one group at a time anyway). */
  maxInFlight: number;
  /** Beyond this many rows waiting, new requests are refused with 503 (clients retry) instead of queueing without bound. */
  maxPendingRows: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = {
  lingerMs: 2,
  maxRowsPerCommit: 50_000,
  maxPendingRows: 500_000,
  maxInFlight: 1,
};

interface Waiter {
  rows: readonly EventRow[];
  /** Bot events the request dropped: counted with its group (bot-tally.ts). */
  bots: readonly BotCount[];
  resolve: (outcome: CommitOutcome) => void;
  reject: (error: Error) => void;
}

/** A waiter's rows, or part of them, on their way through a (possibly split) commit. */
interface Part {
  waiter: Waiter;
  /** Positions in waiter.rows. */
  from: number;
  to: number;
}

/** What a waiter's parts came to: counts, plus the rows refused alone. */
interface Tally {
  inserted: number;
  seen: number;
  refused: Array<{ row: number; error: string }>;
}

/**
 * Gathers the rows of concurrent requests into one transaction and resolves each request
 * only after that transaction committed. While one commit runs the next group fills up,
 * so throughput grows with load while an idle server answers in ~lingerMs.
 */
export class GroupCommitter {
  private queue: Waiter[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly committedListeners = new Set<CommitListener>();
  private readonly bots: BotTally;

  constructor(
    private readonly engine: StorageEngine,
    private readonly options: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
    /** Tells data errors from storage failures (the engine's own classifier when it has one). */
    private readonly classify: (error: unknown) => FailureKind = (error) => engine.classifyError(error),
  ) {
    this.bots = new BotTally(engine);
  }

  /**
   * Commits `rows` with the next group and counts `bots` (events a bot sent, not stored) with it;
   * resolves once both are written.
   */
  submit(rows: readonly EventRow[], bots: readonly BotCount[] = []): Promise<CommitOutcome> {
    if (rows.length === 0 && bots.length === 0)
      return Promise.resolve({ inserted: 0, duplicates: 0, refused: [] });
    if (this.pendingRows + rows.length > this.options.maxPendingRows) {
      return Promise.reject(
        new ApiError('overloaded', 'too many events waiting to be stored; retry shortly'),
      );
    }
    return new Promise<CommitOutcome>((resolve, reject) => {
      this.queue.push({ rows, bots, resolve, reject });
      this.pendingRows += rows.length;
      if (this.inFlight.size < this.options.maxInFlight && !this.timer)
        this.timer = setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  /**
   * Called after each group that committed, in commit order, with its rows and which of them were
   * stored (the stream processor takes new events from here instead of reading them back).
   */
  onCommitted(listener: CommitListener): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /** Called after bot counts were stored, with the projects whose counts changed. */
  onBotsCounted(listener: BotsCountedListener): () => void {
    return this.bots.onCounted(listener);
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0 || this.timer) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      this.flush();
      await Promise.race(this.inFlight);
    }
  }

  private flush(): void {
    this.timer = null;
    if (this.inFlight.size >= this.options.maxInFlight || this.queue.length === 0) return;
    const group: Waiter[] = [];
    let rowCount = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (group.length > 0 && rowCount + next.rows.length > this.options.maxRowsPerCommit) break;
      group.push(this.queue.shift()!);
      rowCount += next.rows.length;
    }
    this.pendingRows -= rowCount;
    const parts = group.map((waiter): Part => ({ waiter, from: 0, to: waiter.rows.length }));
    const tallies = new Map<Waiter, Tally>(group.map((w) => [w, { inserted: 0, seen: 0, refused: [] }]));
    const commit = this.commitParts(parts, tallies).then(
      async () => {
        await this.bots.record(group.flatMap((waiter) => waiter.bots));
        for (const [waiter, tally] of tallies) {
          waiter.resolve({
            inserted: tally.inserted,
            duplicates: tally.seen - tally.inserted,
            refused: tally.refused.sort((a, b) => a.row - b.row),
          });
        }
      },
      (error: Error) => {
        const failure = storageUnavailable(`events could not be stored: ${error.message}`);
        for (const waiter of group) waiter.reject(failure);
      },
    );
    this.inFlight.add(commit);
    void commit.finally(() => {
      this.inFlight.delete(commit);
      // Requests that arrived during the commit have already waited: commit them now.
      if (this.queue.length > 0) this.flush();
    });
  }

  /**
   * Commits the parts in one transaction. When it fails over the data (not the store), no request
   * pays for another's rows: the parts are committed again by halves, down to single rows, and only
   * the rows refused alone are reported — every other row is stored and acknowledged. A failure of
   * the store itself (disk, a broken database) fails the whole group with 503: retrying would not help.
   */
  private async commitParts(parts: readonly Part[], tallies: Map<Waiter, Tally>): Promise<void> {
    // One whole request (the common case while idle) is handed over as it is, without a copy.
    const whole = parts.length === 1 && parts[0]!.from === 0 && parts[0]!.to === parts[0]!.waiter.rows.length;
    const rows: readonly EventRow[] = whole ? parts[0]!.waiter.rows : partRows(parts);
    // A group of requests whose every event a bot sent has only counts to write.
    if (rows.length === 0) return;
    let result: InsertResult;
    try {
      result = await this.engine.insertEvents(rows);
    } catch (error) {
      if (this.classify(error) === 'storage') throw error;
      if (rows.length === 1) {
        const { waiter, from } = parts[0]!;
        tallies.get(waiter)!.refused.push({ row: from, error: (error as Error).message });
        return;
      }
      for (const half of halves(parts)) await this.commitParts(half, tallies);
      return;
    }
    let offset = 0;
    for (const { waiter, from, to } of parts) {
      const tally = tallies.get(waiter)!;
      for (let i = 0; i < to - from; i++) tally.inserted += result.inserted[offset + i] ?? 0;
      tally.seen += to - from;
      offset += to - from;
    }
    for (const listener of this.committedListeners) listener(rows, result);
  }
}

/** Splits parts into two halves by row count (a single part is cut at its middle row). */
function halves(parts: readonly Part[]): [Part[], Part[]] {
  if (parts.length === 1) {
    const { waiter, from, to } = parts[0]!;
    const middle = from + Math.floor((to - from) / 2);
    return [[{ waiter, from, to: middle }], [{ waiter, from: middle, to }]];
  }
  const middle = Math.ceil(parts.length / 2);
  return [parts.slice(0, middle), parts.slice(middle)];
}

/** The rows of the parts, in order. */
function partRows(parts: readonly Part[]): EventRow[] {
  const rows: EventRow[] = [];
  for (const { waiter, from, to } of parts) for (let i = from; i < to; i++) rows.push(waiter.rows[i]!);
  return rows;
}
