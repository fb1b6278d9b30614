import type { KV } from '@nats-io/kv';

/**
 * Which Sightline node processes which partition of the event log, kept in a JetStream key-value
 * bucket whose entries expire `leaseMs` after their last write (the bucket's TTL):
 * - `partition.<p>` holds the owner's node id. A node takes a free partition with an atomic create
 *   and keeps it by renewing it (compare-and-set on its revision) every `leaseMs / 3`.
 * - `node.<id>` is each live node's heartbeat, renewed with its leases: the fair share of a node is
 *   ceil(partitions / live nodes), so a joining node gets partitions from the others (an owner
 *   over its share hands the extra ones back) and a dead node's partitions go to the rest.
 * A node dead or cut off stops renewing; its entries expire after `leaseMs` and the others take its
 * partitions. An owner that could not renew for `2/3 leaseMs` stops treating the partition as its
 * own before the entry can expire, so two live nodes never both hold one.
 */
export interface PartitionLeaseOptions {
  nodeId: string;
  partitions: number;
  /** How long a lease outlives its last renewal: the time a dead node's partitions wait. */
  leaseMs: number;
  /** Told when this node takes a partition: start processing it (resume from its checkpoint). */
  onAcquired: (partition: number) => void;
  /**
   * Told before this node gives a partition back (`lost`: its lease could not be renewed in time):
   * stop processing it and commit what was processed; the lease is released once it resolves.
   */
  onReleased: (partition: number, reason: 'rebalance' | 'lost' | 'stop') => Promise<void> | void;
  /** Clock (tests). */
  nowMs?: () => number;
}

interface Held {
  revision: number;
  renewedAt: number;
}

const partitionKey = (p: number) => `partition.${p}`;
const nodeKey = (id: string) => `node.${id}`;

export class PartitionLeases {
  private readonly held = new Map<number, Held>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly kv: KV,
    private readonly options: PartitionLeaseOptions,
  ) {
    if (!/^[-_a-zA-Z0-9]+$/.test(options.nodeId))
      throw new Error(`node id ${options.nodeId} is not a valid key`);
    this.now = options.nowMs ?? Date.now;
  }

  /** The partitions this node holds now. */
  owned(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** Takes this node's share at once, then keeps it every `leaseMs / 3`. */
  async start(): Promise<void> {
    this.ticking = this.tick().catch(() => undefined);
    await this.ticking;
    this.timer = setInterval(() => {
      // A round that failed (NATS unreachable a moment) is simply the next round's to do.
      this.ticking = this.ticking.then(() => this.tick()).catch(() => undefined);
    }, this.options.leaseMs / 3);
  }

  /** Gives every partition back (after `onReleased`) and leaves, so the others take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    for (const p of this.owned()) await this.release(p, 'stop');
    await this.kv.delete(nodeKey(this.options.nodeId)).catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    await this.kv.put(nodeKey(this.options.nodeId), String(this.now()));
    await this.renew();
    const share = Math.ceil(this.options.partitions / Math.max(1, await this.liveNodes()));
    // Over the share (a node joined): the highest partitions go back for it to take.
    for (const p of this.owned()
      .reverse()
      .slice(0, Math.max(0, this.held.size - share)))
      await this.release(p, 'rebalance');
    for (let p = 0; p < this.options.partitions && this.held.size < share; p++) {
      if (this.held.has(p)) continue;
      try {
        const revision = await this.kv.create(partitionKey(p), this.options.nodeId);
        this.held.set(p, { revision, renewedAt: this.now() });
        this.options.onAcquired(p);
      } catch {
        // Held by another node (or just taken): try the next one.
      }
    }
  }

  private async renew(): Promise<void> {
    for (const [p, lease] of this.held) {
      try {
        lease.revision = await this.kv.update(partitionKey(p), this.options.nodeId, lease.revision);
        lease.renewedAt = this.now();
      } catch {
        // Could not renew: once it may be close to expiring, it is no longer ours to process.
        if (this.now() - lease.renewedAt >= (this.options.leaseMs * 2) / 3) await this.drop(p, 'lost');
      }
    }
  }

  private async liveNodes(): Promise<number> {
    let live = 0;
    for await (const key of await this.kv.keys('node.*')) if (key) live++;
    return live;
  }

  private async release(p: number, reason: 'rebalance' | 'stop'): Promise<void> {
    const lease = this.held.get(p);
    await this.drop(p, reason);
    // Only if still ours: a lease that expired meanwhile may be someone else's now.
    if (lease) await this.kv.delete(partitionKey(p), { previousSeq: lease.revision }).catch(() => undefined);
  }

  private async drop(p: number, reason: 'rebalance' | 'lost' | 'stop'): Promise<void> {
    if (!this.held.delete(p)) return;
    await this.options.onReleased(p, reason);
  }
}
