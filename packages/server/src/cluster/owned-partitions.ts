import type { NatsEventLog } from '../log/nats/nats-event-log.js';
import type { CommittedOutputs } from '../processor/processor.js';
import { PartitionWork, type PartitionWorkDeps } from './partition-work.js';

/** How long a partition whose work could not start waits before the next try (its lease is kept). */
const RETRY_START_MS = 1_000;

/**
 * The partitions this node holds leases on, each loaded and processed here (partition-work.ts):
 * the leases (partition-leases.ts) say when one is taken or given back. Committed outputs of every
 * owned partition reach the same listeners (interventions, webhooks, live queries).
 */
export class OwnedPartitions {
  /** Each held partition's work, started or starting. */
  private readonly work = new Map<number, Promise<PartitionWork | null>>();
  /** The works that started and are not stopped. */
  private readonly running = new Map<number, PartitionWork>();
  /** The lease each started work belongs to: a work started under a lease given back since is stopped. */
  private readonly leases = new Map<number, object>();
  private readonly listeners = new Set<(outputs: CommittedOutputs) => void>();
  private stopped = false;

  constructor(
    private readonly logs: readonly NatsEventLog[],
    private readonly deps: Omit<PartitionWorkDeps, 'onCommitted'>,
    /**
     * How long a partition whose lease expired (its holder died or was cut off) waits before it is
     * loaded: the last holder's INSERT in flight when it let go may still land, and a loader that
     * looked at what is stored before it would load those events again (measured: thousands stored
     * twice when a NATS server stopped under load). A partition handed back waits for nothing.
     */
    private readonly takeoverGraceMs: number,
  ) {}

  held(): number[] {
    return [...this.work.keys()].sort((a, b) => a - b);
  }

  /** The partitions loaded and processed here now (started), and how far behind their ends they are. */
  lag(): Array<{ partition: number; loader: number; processor: number }> {
    return [...this.running.values()]
      .map((w) => ({ partition: w.partition, ...w.lag() }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** A lease was taken: load and process the partition from where its stored state says. */
  acquired(partition: number, handedBack: boolean): void {
    if (this.stopped || this.work.has(partition)) return;
    const lease = {};
    this.leases.set(partition, lease);
    this.work.set(partition, this.startWork(partition, lease, handedBack ? 0 : this.takeoverGraceMs));
  }

  /** A lease is given back (or lost): stop after committing what was processed. */
  async released(partition: number): Promise<void> {
    const work = this.work.get(partition);
    this.work.delete(partition);
    this.leases.delete(partition);
    this.running.delete(partition);
    await (await work)?.stop();
  }

  async drain(): Promise<void> {
    const works = await Promise.all(this.work.values());
    await Promise.all(works.map((w) => w?.drain()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.held().map((p) => this.released(p)));
  }

  onCommitted(listener: (outputs: CommittedOutputs) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tries until it starts or the lease goes (ClickHouse or NATS may be down a moment). */
  private async startWork(partition: number, lease: object, graceMs: number): Promise<PartitionWork | null> {
    const gone = () => this.stopped || this.leases.get(partition) !== lease;
    if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
    if (gone()) return null;
    for (;;) {
      try {
        const started = await PartitionWork.start(partition, this.logs[partition]!, {
          ...this.deps,
          onCommitted: (outputs) => {
            for (const listener of this.listeners) listener(outputs);
          },
        });
        // Given back while starting: stop what just started.
        if (gone()) {
          await started.stop();
          return null;
        }
        this.running.set(partition, started);
        return started;
      } catch (error) {
        console.error(`[sightline] partition ${partition} could not start: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_START_MS));
        if (gone()) return null;
      }
    }
  }
}
