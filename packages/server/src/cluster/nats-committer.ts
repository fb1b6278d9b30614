import { shuttingDown } from '../errors.js';
import { storageUnavailable } from '../http/storage-unavailable.js';
import { type BotsCountedListener, BotTally } from '../ingest/bot-tally.js';
import type { CommitOutcome } from '../ingest/group-commit.js';
import { encodeEventRecord } from '../log/event-record.js';
import { LogClosedError } from '../log/index.js';
import type { PartitionedNatsLog } from '../log/nats/partitioned-log.js';
import type { BotCount, EventRow, StorageEngine } from '../storage/engine.js';
import { fingerprint } from '../storage/event-dedupe.js';
import { InFlight } from '../util/in-flight.js';

/** The idempotency key of an event on the shared log: a retry on any node carries the same one. */
export const eventLogId = (row: Pick<EventRow, 'project_id' | 'uuid'>) => `${row.project_id}:${row.uuid}`;

/**
 * Capture on the shared NATS log (`--log nats`): a request's events go to their sessions'
 * partitions and the request is acknowledged once JetStream acknowledged every one of them (a
 * quorum of replicas stored it). JetStream's duplicate window makes a retry, on this node or any
 * other, a duplicate; past the window the partition's loader skips it by fingerprint (the event
 * goes to the same partition). Events become readable when the partition's owner loads them; that
 * node announces the write (cluster-bus.ts), not this one.
 */
export class NatsCommitter {
  private readonly bots: BotTally;
  private readonly inFlight = new InFlight();

  constructor(
    private readonly log: PartitionedNatsLog,
    engine: Pick<StorageEngine, 'addBotCounts'>,
    /** Throws (503 overloaded) while the loaders are too far behind (loader-backlog.ts). */
    private readonly assertRoom: () => void,
  ) {
    this.bots = new BotTally(engine);
  }

  submit(rows: readonly EventRow[], bots: readonly BotCount[] = []): Promise<CommitOutcome> {
    return this.inFlight.track(this.append(rows, bots));
  }

  onBotsCounted(listener: BotsCountedListener): () => void {
    return this.bots.onCounted(listener);
  }

  /** Resolves once every append under way is acknowledged or failed. */
  drain(): Promise<void> {
    return this.inFlight.drain();
  }

  private async append(rows: readonly EventRow[], bots: readonly BotCount[]): Promise<CommitOutcome> {
    if (rows.length > 0) this.assertRoom();
    const counted = bots.length > 0 ? this.bots.record(bots) : undefined;
    let duplicates = 0;
    if (rows.length > 0) {
      const records = rows.map((row) => ({
        data: encodeEventRecord(row, ...fingerprint(row.project_id, row.uuid)),
        id: eventLogId(row),
        projectId: row.project_id,
        sessionId: row.session_id,
      }));
      try {
        ({ duplicates } = await this.log.append(records));
      } catch (error) {
        if (error instanceof LogClosedError) throw shuttingDown();
        // Some partitions may have stored their share: the client's retry (same ids) finds them as duplicates.
        throw storageUnavailable(`events could not be made durable on NATS: ${(error as Error).message}`);
      }
    }
    await counted;
    return { inserted: rows.length - duplicates, duplicates, refused: [] };
  }
}
