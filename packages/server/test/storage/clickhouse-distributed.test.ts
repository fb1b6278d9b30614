import { describe, expect, it } from 'vitest';
import { raw, sql } from '../../src/sql/sql.js';
import { CLICKHOUSE_DISTRIBUTED } from '../support/engines.js';
import { makeRow } from '../support/rows.js';
import { storageConformance } from './conformance.js';

storageConformance(CLICKHOUSE_DISTRIBUTED.name, { create: () => CLICKHOUSE_DISTRIBUTED.open() });

describe('clickhouse distributed: events are spread over the shards by session', () => {
  it('stores each session on one shard and reads both back through the Distributed table', async () => {
    const { engine } = await CLICKHOUSE_DISTRIBUTED.open();
    try {
      const rows = Array.from({ length: 200 }, (_, i) => makeRow({ session_id: `s${i % 40}` }));
      await engine.insertEvents(rows);
      const [{ db } = { db: '' }] = await engine.query(sql`SELECT currentDatabase() AS db`);
      const perShard = await Promise.all(
        ['sightline_shard1', 'sightline_shard2'].map((shard) =>
          engine.query(
            sql`SELECT count() AS n, uniqExact(session_id) AS sessions FROM ${raw(`${shard}.${String(db)}_events`)}`,
          ),
        ),
      );
      const counts = perShard.map(([r]) => Number(r?.['n']));
      expect(counts.every((n) => n > 0)).toBe(true);
      expect(counts[0]! + counts[1]!).toBe(200);
      // Sessions never straddle shards.
      expect(perShard.reduce((sum, [r]) => sum + Number(r?.['sessions']), 0)).toBe(40);
      expect(await engine.countEvents('p1', { from: 0, to: Number.MAX_SAFE_INTEGER })).toBe(200);
    } finally {
      await engine.close();
    }
  });
});
