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
    const existing = this.known.get(name);
    if (existing !== undefined) return existing;
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

  positions(): ReadonlyMap<string, LogOffset> {
    return this.known;
  }

  /** Nothing is removed while no consumer is registered: nobody said what it still needs. */
  private async removeIfAny(): Promise<void> {
    if (this.known.size === 0) return;
    await this.removeUpTo(Math.min(...this.known.values()));
  }
}

/** Consumer names are ours (loader, processor…); a KV key takes [-/_=.a-zA-Z0-9]. */
function keyOf(name: string): string {
  if (!/^[-_=.a-zA-Z0-9]+$/.test(name))
    throw new Error(`event log consumer name ${JSON.stringify(name)} is not a valid key`);
  return name;
}
