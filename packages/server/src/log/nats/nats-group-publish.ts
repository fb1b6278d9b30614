import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { LogWriteError } from '../errors.js';
import type { AppendResult, LogOffset, LogStats } from '../event-log.js';
import { GroupQueue } from '../group-queue.js';

interface Append {
  records: Buffer[];
  ids: readonly string[] | undefined;
}

/**
 * The NATS log's group commit (group-queue.ts): the records of a group are published back to back
 * and acknowledged together. JetStream acks a message once a quorum of the stream's replicas
 * stored it: that is the sync.
 */
export class NatsGroupPublish extends GroupQueue<Append, AppendResult> {
  constructor(
    js: JetStreamClient,
    subject: string,
    counters: LogStats,
    /** Told the highest stored sequence after each group (also a failed one: some of it may be in). */
    stored: (lastSeq: number) => void,
  ) {
    super(async (group) => {
      const acks = await Promise.allSettled(
        group.flatMap(({ records, ids }) =>
          records.map((record, i) => js.publish(subject, record, ids ? { msgID: ids[i]! } : {})),
        ),
      );
      let highest = 0;
      for (const ack of acks) if (ack.status === 'fulfilled') highest = Math.max(highest, ack.value.seq);
      if (highest > 0) stored(highest);
      const failure = acks.find((ack) => ack.status === 'rejected');
      if (failure) {
        // Some of the group may be stored: a retry with the same ids is a duplicate, not a second copy.
        counters.failedWrites++;
        throw new LogWriteError(failure.reason);
      }
      counters.syncs++;
      let k = 0;
      return group.map((append) => {
        const mine = acks
          .slice(k, k + append.records.length)
          .map((ack) => (ack as PromiseFulfilledResult<PubAck>).value);
        k += append.records.length;
        return settle(append, mine, counters);
      });
    });
  }
}

/** An append's offsets, from its records' acks (a duplicate's is the stored copy's), and its counts. */
function settle(append: Append, acks: PubAck[], counters: LogStats): AppendResult {
  let first: LogOffset = Number.POSITIVE_INFINITY;
  let last: LogOffset = -1;
  let duplicates = 0;
  acks.forEach((ack, i) => {
    first = Math.min(first, ack.seq - 1);
    last = Math.max(last, ack.seq - 1);
    if (ack.duplicate) duplicates++;
    else counters.bytes += append.records[i]!.length;
  });
  counters.appends++;
  counters.records += acks.length - duplicates;
  return duplicates > 0 ? { first, last, duplicates } : { first, last };
}
