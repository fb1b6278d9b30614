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
/** One held partition: its work, starting or started. The entry itself is the lease it belongs to. */
interface Held {
  starting: Promise<PartitionWork | null>;
  /** Set once it started (and not stopped since). */
  running: PartitionWork | null;
}

export class OwnedPartitions {
  /** A work started under an entry no longer here (its lease was given back since) is stopped. */
  private readonly held = new Map<number, Held>();
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

  /** The partitions loaded and processed here now (started), and how far behind their ends they are. */
  lag(): Array<{ partition: number; loader: number; processor: number }> {
    return [...this.held.values()]
      .flatMap(({ running }) => (running ? [{ partition: running.partition, ...running.lag() }] : []))
      .sort((a, b) => a.partition - b.partition);
  }

  /** A lease was taken: load and process the partition from where its stored state says. */
  acquired(partition: number, handedBack: boolean): void {
    if (this.stopped || this.held.has(partition)) return;
    const entry: Held = { starting: Promise.resolve(null), running: null };
    this.held.set(partition, entry);
    entry.starting = this.startWork(partition, entry, handedBack ? 0 : this.takeoverGraceMs);
  }

  /** A lease is given back (or lost): stop after committing what was processed. */
  async released(partition: number): Promise<void> {
    const entry = this.held.get(partition);
    this.held.delete(partition);
    await (await entry?.starting)?.stop();
  }

  async drain(): Promise<void> {
    const works = await Promise.all([...this.held.values()].map((entry) => entry.starting));
    await Promise.all(works.map((w) => w?.drain()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.held.keys()].map((p) => this.released(p)));
  }

  onCommitted(listener: (outputs: CommittedOutputs) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tries until it starts or the lease goes (ClickHouse or NATS may be down a moment). */
  private async startWork(partition: number, entry: Held, graceMs: number): Promise<PartitionWork | null> {
    const gone = () => this.stopped || this.held.get(partition) !== entry;
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
        entry.running = started;
        return started;
      } catch (error) {
        console.error(`[sightline] partition ${partition} could not start: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_START_MS));
        if (gone()) return null;
      }
    }
  }
}
