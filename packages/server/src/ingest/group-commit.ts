import { ApiError } from '../errors.js';
import type { EventRow, InsertResult, StorageEngine } from '../storage/engine.js';

export type CommitListener = (rows: readonly EventRow[], result: InsertResult) => void;

export interface CommitOutcome {
  /** Rows stored by this commit. */
  inserted: number;
  /** Rows whose (project, uuid) was already stored, or repeated. */
  duplicates: number;
}

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
  resolve: (outcome: CommitOutcome) => void;
  reject: (error: Error) => void;
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

  constructor(
    private readonly engine: StorageEngine,
    private readonly options: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
  ) {}

  submit(rows: readonly EventRow[]): Promise<CommitOutcome> {
    if (rows.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    if (this.pendingRows + rows.length > this.options.maxPendingRows) {
      return Promise.reject(
        new ApiError('overloaded', 'too many events waiting to be stored; retry shortly'),
      );
    }
    return new Promise<CommitOutcome>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
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
    const rows = group.length === 1 ? group[0]!.rows : group.flatMap((w) => w.rows);
    const commit = this.engine.insertEvents(rows).then(
      (result) => {
        let offset = 0;
        for (const waiter of group) {
          let inserted = 0;
          for (let i = 0; i < waiter.rows.length; i++) inserted += result.inserted[offset + i] ?? 0;
          offset += waiter.rows.length;
          waiter.resolve({ inserted, duplicates: waiter.rows.length - inserted });
        }
        for (const listener of this.committedListeners) listener(rows, result);
      },
      (error: Error) => {
        const failure = new ApiError('storage_unavailable', `events could not be stored: ${error.message}`);
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
}
