import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { LogWriteError } from '../errors.js';
import type { AppendResult, LogOffset, LogStats } from '../event-log.js';

interface PendingAppend {
  records: Buffer[];
  ids: readonly string[] | undefined;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The NATS log's group commit: an append that arrives while no group is out is published at
 * once; appends that arrive meanwhile wait and go together in the next group, their records
 * published back to back and acknowledged together (JetStream acks a message once a quorum of the
 * stream's replicas stored it: that is the sync).
 */
export class NatsGroupPublish {
  private queue: PendingAppend[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly js: JetStreamClient,
    private readonly subject: string,
    private readonly counters: LogStats,
    /** Told the highest stored sequence after each group (also a failed one: some of it may be in). */
    private readonly stored: (lastSeq: number) => void,
  ) {}

  submit(records: Buffer[], ids: readonly string[] | undefined): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, ids, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once every append submitted so far is settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      const acks = await Promise.allSettled(
        group.flatMap((pending) =>
          pending.records.map((record, i) => {
            const id = pending.ids?.[i];
            return this.js.publish(this.subject, record, id === undefined ? {} : { msgID: id });
          }),
        ),
      );
      let highest = 0;
      for (const ack of acks) if (ack.status === 'fulfilled') highest = Math.max(highest, ack.value.seq);
      if (highest > 0) this.stored(highest);
      const failure = acks.find((ack) => ack.status === 'rejected');
      if (failure) {
        // Some of the group may be stored: a retry with the same ids is a duplicate, not a second copy.
        this.counters.failedWrites++;
        const error = new LogWriteError(failure.reason);
        for (const pending of group) pending.reject(error);
        continue;
      }
      this.counters.syncs++;
      let k = 0;
      for (const pending of group) {
        const mine = acks
          .slice(k, k + pending.records.length)
          .map((a) => (a as PromiseFulfilledResult<PubAck>).value);
        k += pending.records.length;
        pending.resolve(this.settle(pending, mine));
      }
    }
    this.running = null;
  }

  private settle(pending: PendingAppend, acks: PubAck[]): AppendResult {
    let first: LogOffset = Number.POSITIVE_INFINITY;
    let last: LogOffset = -1;
    let duplicates = 0;
    acks.forEach((ack, i) => {
      first = Math.min(first, ack.seq - 1);
      last = Math.max(last, ack.seq - 1);
      if (ack.duplicate) duplicates++;
      else this.counters.bytes += pending.records[i]!.length;
    });
    this.counters.appends++;
    this.counters.records += acks.length - duplicates;
    return duplicates > 0 ? { first, last, duplicates } : { first, last };
  }
}
