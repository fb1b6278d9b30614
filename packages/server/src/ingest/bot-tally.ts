import type { BotCount, StorageEngine } from '../storage/engine.js';

/** Told, once counts are stored, which projects' bot counts changed. */
export type BotsCountedListener = (projectIds: ReadonlySet<string>) => void;

/**
 * The bot counts of the group commits (group-commit.ts): each group adds its requests' counts
 * here and they are written in one small write after the group's events, before its requests are
 * answered. A write that fails keeps its counts for the next group's (counts are not worth
 * failing requests for whose events are stored), so they are late, not lost, while the store
 * recovers; at most one entry per project and day waits.
 */
export class BotTally {
  private pending = new Map<string, BotCount>();
  private readonly listeners = new Set<BotsCountedListener>();

  constructor(private readonly engine: Pick<StorageEngine, 'addBotCounts'>) {}

  onCounted(listener: BotsCountedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds `counts` to what waits, then writes everything waiting; never throws. */
  async record(counts: readonly BotCount[]): Promise<void> {
    for (const count of counts) this.add(count);
    if (this.pending.size === 0) return;
    const writing = this.pending;
    this.pending = new Map();
    try {
      await this.engine.addBotCounts([...writing.values()]);
    } catch (error) {
      for (const count of writing.values()) this.add(count);
      console.error('[sightline] bot counts not stored yet:', (error as Error)?.message ?? error);
      return;
    }
    const projects = new Set([...writing.values()].map((count) => count.project_id));
    for (const listener of this.listeners) listener(projects);
  }

  private add({ project_id, day, dropped }: BotCount): void {
    const key = `${day} ${project_id}`;
    const waiting = this.pending.get(key);
    this.pending.set(key, { project_id, day, dropped: dropped + (waiting?.dropped ?? 0) });
  }
}
