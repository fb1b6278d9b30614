import { describe, expect, it } from 'vitest';
import { openClickHouseEngine } from '../../src/storage/clickhouse/index.js';
import { CLICKHOUSE, clickhouseTestOptions } from '../support/engines.js';
import { makeRow } from '../support/rows.js';
import { storageConformance } from './conformance.js';

storageConformance(CLICKHOUSE.name, { create: () => CLICKHOUSE.open() });

describe('clickhouse: several Sightline nodes on one database', () => {
  it('gives each node its own strictly increasing seq range, processor checkpoint and replay', async () => {
    const options = clickhouseTestOptions();
    const [a, b] = await Promise.all([
      openClickHouseEngine(options),
      openClickHouseEngine({ ...options, node: 1 }),
    ]);
    try {
      for (let i = 0; i < 3; i++) {
        await a.insertEvents([makeRow({ event: `a${i}` }), makeRow({ event: `a${i}` })]);
        await b.insertEvents([makeRow({ event: `b${i}` })]);
      }
      const fromA = await a.readEventsAfter(0, 100);
      const fromB = await b.readEventsAfter(0, 100);
      expect(fromA.map((e) => e.event)).toEqual(['a0', 'a0', 'a1', 'a1', 'a2', 'a2']);
      expect(fromB.map((e) => e.event)).toEqual(['b0', 'b1', 'b2']);
      expect(fromA.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(fromB.map((e) => e.seq)).toEqual([1, 2, 3].map((n) => 2 ** 43 + n));
      await b.commitProcessorBatch({
        checkpoint: fromB[2]!.seq,
        journeys: [],
        insights: [],
        interventions: [],
        feedback: [],
        friction: [],
      });
      expect((await a.loadProcessorState()).checkpoint).toBe(0);
      expect((await b.loadProcessorState()).checkpoint).toBe(2 ** 43 + 3);
      // Both read every project's events in queries.
      expect(await a.countEvents('p1', { from: 0, to: Number.MAX_SAFE_INTEGER })).toBe(9);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    // A restarted node continues after its own last seq.
    const again = await openClickHouseEngine({ ...options, node: 1 });
    try {
      const result = await again.insertEvents([makeRow()]);
      expect(result.firstSeq).toBe(2 ** 43 + 4);
    } finally {
      await again.close();
    }
  });
});
