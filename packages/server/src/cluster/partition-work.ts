import { setTimeout as sleep } from 'node:timers/promises';
import type { EventLog } from '../log/event-log.js';
import { storedEventOf } from '../processor/log-event-source.js';
import { type CommittedOutputs, type ProcessorOptions, StreamProcessor } from '../processor/processor.js';
import { RecentEvents } from '../processor/recent-events.js';
import type { EngineHealth, StorageEngine } from '../storage/engine.js';
import type { PartitionLoader, PartitionStorage } from '../storage/partition-storage.js';
import type { InterventionRule } from '../storage/processor-records.js';

/** The consumer name the processor holds the partition's records under until a restart no longer replays them. */
export const PARTITION_PROCESSOR = 'processor';
/** How often the processor's replay position is released to the log (each release is a key-value write). */
const RELEASE_EVERY_MS = 1_000;

export interface PartitionWorkDeps {
  storage: PartitionStorage;
  health: () => EngineHealth;
  rulesFor: (projectId: string) => readonly InterventionRule[];
  processor: Partial<ProcessorOptions>;
  onCommitted: (outputs: CommittedOutputs) => void;
  onLoaded: (projectIds: ReadonlySet<string>) => void;
}

/**
 * What the node holding one partition's lease runs for it: the loader (the partition's log into
 * ClickHouse) and the stream processor (journeys, detectors, insights, interventions of the
 * partition's sessions), which takes the events the loader reads as it reads them, so the log
 * is read once, not twice. Both resume from what the engine stores (the loader from the stored seqs,
 * the processor from its checkpoint and saved state), so a node taking the partition over goes on
 * where the previous owner stopped; outputs it recomputes carry the same ids and are stored once.
 */
export class PartitionWork {
  private readonly stopping = new AbortController();
  private readonly tasks: Promise<void>[] = [];

  private constructor(
    readonly partition: number,
    private readonly log: EventLog,
    private readonly loader: PartitionLoader,
    private readonly processor: StreamProcessor,
    private readonly base: number,
  ) {}

  static async start(partition: number, log: EventLog, deps: PartitionWorkDeps): Promise<PartitionWork> {
    const base = deps.storage.seqBase(partition);
    await log.consumers.register(PARTITION_PROCESSOR);
    const store = deps.storage.processorStore(partition);
    // Where the processor reads what the loader has not handed it (a replay after the partition changed hands).
    const source: Pick<StorageEngine, 'readEventsAfter'> = {
      async readEventsAfter(afterSeq, limit) {
        const from = Math.max(afterSeq - base, log.bounds().start, 0);
        const records = await log.read(from, { maxRecords: limit });
        return records.map((record) => storedEventOf(record, base + record.offset + 1));
      },
    };
    // The loader's batches, handed over as it reads them: one read of the log serves both.
    const recent = new RecentEvents();
    const processor = new StreamProcessor(
      { ...store, health: deps.health, readEventsAfter: source.readEventsAfter },
      deps.rulesFor,
      deps.processor,
      recent,
      source,
    );
    processor.onCommitted(deps.onCommitted);
    const loader = await deps.storage.openLoader(partition, log, {
      onRead: (events, fresh) => {
        if (events.length === 0) return;
        recent.add(events, { firstSeq: events[0]!.seq, inserted: fresh });
        void processor.notify();
      },
      onLoaded: deps.onLoaded,
    });
    await processor.start();
    const work = new PartitionWork(partition, log, loader, processor, base);
    work.tasks.push(
      loader.run(work.stopping.signal, (error) =>
        console.error(`[sightline] partition ${partition} loader: ${error.message}`),
      ),
      work.releaseEvery(),
    );
    return work;
  }

  /** Records the partition holds (as far as this node has seen) that are not loaded, and not processed. */
  lag(): { loader: number; processor: number } {
    const end = this.log.bounds().end;
    return {
      loader: Math.max(0, end - this.loader.position),
      processor: Math.max(0, end - Math.max(0, this.processor.lastSeq - this.base)),
    };
  }

  /** Resolves once what the partition held when called is loaded and processed. */
  async drain(): Promise<void> {
    await this.loader.loadAvailable();
    await this.processor.drain();
  }

  /** Ends loading and processing; what was processed is committed and its state saved. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.tasks);
    await this.processor.stop();
    await this.release().catch(() => undefined);
  }

  private async releaseEvery(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      await this.release().catch(() => undefined);
      await sleep(RELEASE_EVERY_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  /** A restart replays from the saved state: the log keeps the records after it. */
  private release(): Promise<void> {
    const seq = Math.min(this.processor.replayFrom, this.processor.lastSeq);
    return this.log.consumers.release(PARTITION_PROCESSOR, Math.max(0, seq - this.base));
  }
}
