import { shuttingDown } from '../errors.js';
import { storageUnavailable } from '../http/storage-unavailable.js';
import { encodeEventRecord } from '../log/event-record.js';
import { type EventLog, LogClosedError, LogWriteError } from '../log/index.js';
import type { LogBacklog } from '../log/log-backlog.js';
import type { BotCount, StorageEngine } from '../storage/engine.js';
import { InFlight } from '../util/in-flight.js';
import { type BotsCountedListener, BotTally } from './bot-tally.js';
import type { CommitListener, CommitOutcome } from './group-commit.js';
import type { IngestDedupe } from './ingest-dedupe.js';

/**
 * Capture on the event log: a request's events are checked for duplicates, appended as one
 * group-committed, fsync'd append, and acknowledged once durable — the database is not on the
 * request path (its loader moves the log in later, storage/duckdb/log-loader.ts). Listeners get
 * the appended rows in log order with seq = offset + 1, the numbering the processor reads by.
 * The same contract as GroupCommitter (group-commit.ts), which engines without a loader keep.
 */
export class LogCommitter {
  private readonly committedListeners = new Set<CommitListener>();
  private readonly bots: BotTally;
  private readonly inFlight = new InFlight();

  constructor(
    private readonly log: EventLog,
    private readonly dedupe: IngestDedupe,
    private readonly backlog: LogBacklog,
    engine: Pick<StorageEngine, 'addBotCounts'>,
    /** Told of each failed append (the engine's health reports it: storage/log-loading.ts). */
    private readonly onWriteFailure: (error: LogWriteError) => void = () => undefined,
  ) {
    this.bots = new BotTally(engine);
  }

  submit(rows: Parameters<CommitListener>[0], bots: readonly BotCount[] = []): Promise<CommitOutcome> {
    return this.inFlight.track(this.append(rows, bots));
  }

  onCommitted(listener: CommitListener): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  onBotsCounted(listener: BotsCountedListener): () => void {
    return this.bots.onCounted(listener);
  }

  /** Resolves once every append under way is acknowledged or failed. */
  drain(): Promise<void> {
    return this.inFlight.drain();
  }

  private async append(
    rows: Parameters<CommitListener>[0],
    bots: readonly BotCount[],
  ): Promise<CommitOutcome> {
    if (rows.length > 0) this.backlog.assertRoom();
    const claim = this.dedupe.claim(rows);
    const counted = bots.length > 0 ? this.bots.record(bots) : undefined;
    if (claim.fresh.length > 0) {
      let first: number;
      try {
        ({ first } = await this.log.append(
          claim.fresh.map((row, k) => encodeEventRecord(row, claim.hi[k]!, claim.lo[k]!)),
        ));
      } catch (error) {
        this.dedupe.abandon(claim);
        if (error instanceof LogWriteError) this.onWriteFailure(error);
        throw toApiError(error);
      }
      this.dedupe.confirm(claim);
      this.backlog.appended(first + claim.fresh.length, claim.fresh);
      const result = { firstSeq: first + 1, inserted: new Uint8Array(claim.fresh.length).fill(1) };
      for (const listener of this.committedListeners) listener(claim.fresh, result);
    }
    // Rows another request is appending count as duplicates only once that append is durable.
    if (claim.racing.length > 0 && !(await Promise.all(claim.racing)).every(Boolean))
      throw storageUnavailable('events of this batch could not be made durable; retry shortly');
    await counted;
    return { inserted: claim.fresh.length, duplicates: claim.duplicates, refused: [] };
  }
}

function toApiError(error: unknown): Error {
  if (error instanceof LogWriteError)
    return storageUnavailable(`events could not be made durable: ${error.message}`);
  if (error instanceof LogClosedError) return shuttingDown();
  return error as Error;
}
