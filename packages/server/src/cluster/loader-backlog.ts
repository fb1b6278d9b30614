import { ApiError } from '../errors.js';
import type { NatsEventLog } from '../log/nats/nats-event-log.js';
import { PARTITION_LOADER } from '../storage/clickhouse/partition-loader.js';

/** How often the partitions' ends and loader positions are asked for (2 requests per partition). */
const CHECK_EVERY_MS = 1_000;
/** Retry-After for capture refused while the loaders catch up. */
const RETRY_AFTER_S = 5;

/**
 * Capture's bound on the shared log (`--log nats`): while ClickHouse is down or slower than
 * capture, events wait in JetStream, which is what the log is for; but past `maxBehind` events in
 * one partition, capture answers 503 `overloaded` instead of filling the NATS nodes' disks and
 * lengthening the catch-up without end. Checked in the background, so a request never waits for it.
 */
export class LoaderBacklog {
  private behind = 0;
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly partitions: readonly NatsEventLog[],
    private readonly maxBehind: number,
  ) {
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** The most events a partition holds that its loader has not stored (as of the last check). */
  get worstBehind(): number {
    return this.behind;
  }

  /** Throws 503 `overloaded` while a partition's loader is too far behind. */
  assertRoom(): void {
    if (this.behind < this.maxBehind) return;
    throw new ApiError(
      'overloaded',
      `events wait to be loaded into ClickHouse (${this.behind} in one partition); retry shortly`,
      { retryAfterS: RETRY_AFTER_S },
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const behind = await Promise.all(
        this.partitions.map(async (log) => {
          const [end, loaded] = await Promise.all([
            log.currentEnd(),
            log.consumers.positionOf(PARTITION_LOADER),
          ]);
          return end - (loaded ?? log.bounds().start);
        }),
      );
      this.behind = Math.max(0, ...behind);
    } catch {
      // NATS unreachable a moment: capture fails on its own then; keep the last reading.
    } finally {
      this.checking = false;
    }
  }
}
