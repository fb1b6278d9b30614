import { join, sql } from '../../sql/sql.js';
import type { BotCount } from '../engine.js';
import { keyText, selectRecords } from './codec.js';
import type { RecordExecutor } from './executor.js';
import { BOT_COUNTS, type BotCountRow } from './tables.js';

/**
 * Bot events dropped at ingest, per project and UTC day, kept as this node's running totals in
 * `bot_counts`. The group committer adds a group's counts at once (ingest/bot-tally.ts), so a write
 * here is one small read and put per group that had bots, not one per event.
 */
export class BotCountStore {
  constructor(
    private readonly db: RecordExecutor,
    private readonly node: number,
  ) {}

  add(counts: readonly BotCount[]): Promise<void> {
    const added = this.perKey(counts);
    if (added.length === 0) return Promise.resolve();
    // Read and put in one transaction of the lane: this node's rows have no other writer.
    return this.db.transaction(async (writer) => {
      const keys = join(
        added.map((row) => sql`(project_id = ${row.project_id} AND day = ${row.day})`),
        ' OR ',
      );
      const stored = await selectRecords(writer, BOT_COUNTS, sql`node = ${this.node} AND (${keys})`);
      const before = new Map(stored.map((row) => [keyText(BOT_COUNTS, row), row.dropped]));
      await writer.put(
        BOT_COUNTS,
        added.map((row) => ({ ...row, dropped: row.dropped + (before.get(keyText(BOT_COUNTS, row)) ?? 0) })),
      );
    });
  }

  /** The counts as this node's rows, one per (project, day), zero counts left out. */
  private perKey(counts: readonly BotCount[]): BotCountRow[] {
    const rows = new Map<string, BotCountRow>();
    for (const { project_id, day, dropped } of counts) {
      if (dropped <= 0) continue;
      const row = { project_id, day, node: this.node, dropped: 0 };
      const key = keyText(BOT_COUNTS, row);
      const existing = rows.get(key) ?? row;
      existing.dropped += dropped;
      rows.set(key, existing);
    }
    return [...rows.values()];
  }
}
