import { type Consumer, DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { LogOffset } from '../event-log.js';

/** Readers at different offsets each keep an ordered consumer (the loader and the processor: 2). */
const MAX_CURSORS = 4;
/** Right after a stream's leader died, creating a consumer can time out while the cluster settles. */
const CREATE_ATTEMPTS = 4;

/**
 * The NATS log's ordered consumers, kept by the offset their next message has: a reader going on
 * from where its last read ended (the loader, the processor) reuses its consumer, since creating
 * one per read is a round trip to the stream's leader.
 */
export class ReadCursors {
  private readonly kept = new Map<LogOffset, Consumer>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly stream: string,
  ) {}

  /** A consumer whose next message is the record at `from` (taken out of the kept ones). */
  async at(from: LogOffset): Promise<Consumer> {
    const kept = this.kept.get(from);
    if (kept) {
      this.kept.delete(from);
      return kept;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.js.consumers.get(this.stream, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: from + 1,
        });
      } catch (error) {
        if (attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  /** Keeps `consumer`, whose next message is the record at `next`; the oldest kept one goes past MAX_CURSORS. */
  keep(next: LogOffset, consumer: Consumer): void {
    this.kept.set(next, consumer);
    if (this.kept.size <= MAX_CURSORS) return;
    const [oldest, dropped] = this.kept.entries().next().value as [LogOffset, Consumer];
    this.kept.delete(oldest);
    void dropped.delete().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    for (const consumer of this.kept.values()) await consumer.delete().catch(() => undefined);
    this.kept.clear();
  }
}
