import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../errors.js';
import type { LogOffset } from '../log/event-log.js';
import type { NatsEventLog } from '../log/nats/nats-event-log.js';
import { PARTITION_LOADER } from '../storage/clickhouse/partition-loader.js';

/** How often a waiting read asks where the loaders are (each ask is a key-value read per partition behind). */
const POLL_MS = 20;

/**
 * Read-your-acks across nodes: a read started after an event's 200, on any node, sees the event.
 * It takes every partition's end from JetStream (which counts what every node appended), then
 * waits until the partitions' loaders, wherever they run, have released past it (their positions
 * are in the partitions' key-value buckets). Reads arriving while the ends are being asked for
 * share the next ask, so a burst of queries costs one round of requests, not one each.
 */
export class ClusterReadBarrier {
  private asking: Promise<LogOffset[]> | null = null;
  private nextAsk: Promise<LogOffset[]> | null = null;
  private positionsAsk: Promise<Array<LogOffset | undefined>> | null = null;

  constructor(
    private readonly partitions: readonly NatsEventLog[],
    private readonly waitMs: number,
  ) {}

  async wait(signal?: AbortSignal): Promise<void> {
    let ends: LogOffset[];
    try {
      ends = await this.ends();
    } catch {
      // JetStream cannot say where the log ends (no quorum): nothing new is acknowledged while it
      // cannot, so the read goes on with what is loaded rather than failing the dashboard too.
      return;
    }
    const deadline = performance.now() + this.waitMs;
    let behind = await this.behind(ends);
    while (behind.length > 0) {
      if (performance.now() >= deadline)
        throw new ApiError(
          'loading_behind',
          `events acknowledged before this read are still being loaded (partitions ${behind.join(', ')} after ${this.waitMs} ms); retry shortly`,
          { retryAfterS: 1 },
        );
      await sleep(POLL_MS, undefined, signal ? { signal } : undefined);
      behind = await this.behind(ends, behind);
    }
  }

  /** The partitions (of `among`) whose loader has not passed `ends`. */
  private async behind(ends: readonly LogOffset[], among?: readonly number[]): Promise<number[]> {
    const check = among ?? ends.map((_, p) => p);
    const loaded = await this.loaderPositions();
    return check.filter((p) => ends[p]! > this.partitions[p]!.bounds().start && (loaded[p] ?? 0) < ends[p]!);
  }

  /**
   * Every partition's loader position, one ask shared by all the reads waiting at the moment (a
   * flood of reads while loading lags costs one round of key-value reads per poll, not one per
   * read). Sharing an ask begun earlier is safe: positions only move forward, so an older answer
   * can only make a read wait longer.
   */
  private loaderPositions(): Promise<Array<LogOffset | undefined>> {
    if (this.positionsAsk) return this.positionsAsk;
    const ask = Promise.all(this.partitions.map((log) => log.consumers.positionOf(PARTITION_LOADER)));
    this.positionsAsk = ask;
    const clear = () => {
      if (this.positionsAsk === ask) this.positionsAsk = null;
    };
    ask.then(clear, clear);
    return ask;
  }

  /** Every partition's end, asked after this call began (joining the ask queued next, if one is under way). */
  private ends(): Promise<LogOffset[]> {
    if (!this.asking) {
      this.asking = this.ask();
      return this.asking;
    }
    this.nextAsk ??= this.asking.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.nextAsk;
  }

  private startQueued(): Promise<LogOffset[]> {
    this.nextAsk = null;
    this.asking = this.ask();
    return this.asking;
  }

  private ask(): Promise<LogOffset[]> {
    const asking = Promise.all(this.partitions.map((log) => log.currentEnd()));
    const clear = () => {
      if (this.asking === asking) this.asking = null;
    };
    asking.then(clear, clear);
    return asking;
  }
}
