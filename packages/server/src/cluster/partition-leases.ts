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
  /**
   * Told when this node takes a partition: start processing it (resume from its checkpoint).
   * `handedBack`: its last holder gave it back (after stopping its work); otherwise its lease
   * expired, and the last holder's writes in flight when it let go may still land.
   */
  onAcquired: (partition: number, handedBack: boolean) => void;
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
  private tickRunning = false;
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
    this.ticking = this.boundedTick();
    await this.ticking;
    let rounds = 0;
    this.timer = setInterval(() => {
      // Never waiting on a round still under way (a NATS call may hang): the leases' expiry does not wait.
      this.dropExpiring();
      if (++rounds % 2 !== 0 || this.tickRunning) return;
      this.ticking = this.boundedTick();
    }, this.options.leaseMs / 6);
  }

  /**
   * One round (renew, heartbeat, rebalance), given up after a lease's time: a round stuck on a NATS
   * call that never answers (seen while a NATS server stopped) must not keep every later round, and
   * so every partition, from this node for good. A failed round is simply the next round's to do.
   */
  private boundedTick(): Promise<void> {
    this.tickRunning = true;
    let timer: NodeJS.Timeout | undefined;
    const givenUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.leaseMs);
    });
    return Promise.race([this.tick().catch(() => undefined), givenUp]).finally(() => {
      clearTimeout(timer);
      this.tickRunning = false;
    });
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
    // Renewing first: a heartbeat that fails must not keep the leases from being renewed or dropped.
    await this.renew();
    await this.kv.put(nodeKey(this.options.nodeId), String(this.now()));
    const share = Math.ceil(this.options.partitions / Math.max(1, await this.liveNodes()));
    // Over the share (a node joined): the highest partitions go back for it to take.
    for (const p of this.owned()
      .reverse()
      .slice(0, Math.max(0, this.held.size - share)))
      await this.release(p, 'rebalance');
    for (let p = 0; p < this.options.partitions && this.held.size < share; p++) {
      if (this.held.has(p)) continue;
      try {
        const last = await this.kv.get(partitionKey(p));
        if (last?.operation === 'PUT') continue; // held by another node
        const asked = this.now();
        const revision = await this.kv.create(partitionKey(p), this.options.nodeId);
        this.held.set(p, { revision, renewedAt: asked });
        // A release deletes the key (a DEL marker); an expired lease leaves nothing.
        this.options.onAcquired(p, last !== null);
      } catch {
        // Held by another node (or just taken): try the next one.
      }
    }
  }

  private async renew(): Promise<void> {
    // All at once: one after another, 16 renewals on a busy NATS took long enough for the last ones
    // to be dropped as expiring (measured: partitions without a running holder for seconds).
    const asked = this.now();
    await Promise.all(
      [...this.held].map(async ([p, lease]) => {
        try {
          const revision = await this.kv.update(partitionKey(p), this.options.nodeId, lease.revision);
          // Dropped while the call was under way: it is no longer ours, whatever the answer.
          if (this.held.get(p) !== lease) return;
          lease.revision = revision;
          lease.renewedAt = asked;
        } catch {
          // Could not renew: dropExpiring lets it go once it may be close to expiring.
        }
      }),
    );
    this.dropExpiring();
  }

  /**
   * A lease not renewed for 2/3 of its time may expire soon (its entry was written no later than
   * the renewal was asked for): it is no longer ours to process. Runs on the timer too, so a NATS
   * call that never answers cannot keep a node on partitions another node may take.
   */
  private dropExpiring(): void {
    for (const [p, lease] of this.held)
      if (this.now() - lease.renewedAt >= (this.options.leaseMs * 2) / 3)
        void this.drop(p, 'lost').catch(() => undefined);
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
