import type { KV } from '@nats-io/kv';
import { type LogConsumers, type LogOffset, releaseMoves } from '../event-log.js';

/**
 * The registered consumers of a NATS log and their released positions, kept in a JetStream
 * key-value bucket (replicated like the stream), so every node sees the same registry and a
 * restarted node finds its positions. `removeUpTo` is told the lowest position after every change:
 * the log purges what every consumer has passed.
 */
export class NatsConsumers implements LogConsumers {
  constructor(
    private readonly kv: KV,
    private readonly known: Map<string, LogOffset>,
    private readonly start: () => LogOffset,
    private readonly end: () => LogOffset,
    private readonly removeUpTo: (lowest: LogOffset) => Promise<void>,
  ) {}

  /** The positions the bucket holds (at open: a restart goes on from them). */
  static async stored(kv: KV): Promise<Map<string, LogOffset>> {
    const known = new Map<string, LogOffset>();
    for await (const name of await kv.keys()) {
      const entry = await kv.get(name);
      if (entry && entry.operation === 'PUT') known.set(name, Number(entry.string()));
    }
    return known;
  }

  async register(name: string): Promise<LogOffset> {
    // Registered before, perhaps by another node (a partition's owner changed): go on from where
    // the bucket says, which is where whichever node released it last left it.
    const existing = await this.positionOf(name);
    if (existing !== undefined) {
      this.known.set(name, existing);
      return existing;
    }
    const position = this.start();
    await this.kv.put(keyOf(name), String(position));
    this.known.set(name, position);
    return position;
  }

  async unregister(name: string): Promise<void> {
    if (!this.known.has(name)) return;
    await this.kv.delete(keyOf(name));
    this.known.delete(name);
    await this.removeIfAny();
  }

  async release(name: string, next: LogOffset): Promise<void> {
    if (!releaseMoves(name, this.known.get(name), next, this.end())) return;
    await this.kv.put(keyOf(name), String(next));
    this.known.set(name, next);
    await this.removeIfAny();
  }

  /** The positions this node registered or released (`positionOf` for what any node released). */
  positions(): ReadonlyMap<string, LogOffset> {
    return this.known;
  }

  /** `name`'s position as the bucket holds it now, whichever node released it (undefined: not registered). */
  async positionOf(name: string): Promise<LogOffset | undefined> {
    const entry = await this.kv.get(keyOf(name));
    return entry && entry.operation === 'PUT' ? Number(entry.string()) : undefined;
  }

  /**
   * Nothing is removed while no consumer is registered: nobody said what it still needs. Other nodes
   * register and release consumers of the same log (a partition's loader runs where its lease is),
   * so the lowest position is read from the bucket, not from what this node has seen.
   */
  private async removeIfAny(): Promise<void> {
    const everyone = await NatsConsumers.stored(this.kv);
    for (const [name, position] of everyone)
      if (position > (this.known.get(name) ?? Number.NEGATIVE_INFINITY)) this.known.set(name, position);
    if (everyone.size === 0) return;
    await this.removeUpTo(Math.min(...everyone.values()));
  }
}

/** Consumer names are ours (loader, processor…); a KV key takes [-/_=.a-zA-Z0-9]. */
function keyOf(name: string): string {
  if (!/^[-_=.a-zA-Z0-9]+$/.test(name))
    throw new Error(`event log consumer name ${JSON.stringify(name)} is not a valid key`);
  return name;
}
