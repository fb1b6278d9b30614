import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/storage/engine.js';
import { CLICKHOUSE, DUCKDB } from '../support/engines.js';
import { generateCorpus } from './corpus.js';
import { storedOutputs, testProcessor } from './support.js';

/** Stored outputs without the fields that depend on when they were written. */
async function comparable(engine: StorageEngine) {
  const out = await storedOutputs(engine);
  return {
    ...out,
    insights: out.insights.map(({ created_at: _c, ...rest }) => rest),
    interventions: out.interventions.map(({ created_at: _c, delivered_at: _d, ...rest }) => rest),
  };
}

const expectNoDuplicates = (rows: Array<Record<string, unknown>>) =>
  expect(new Set(rows.map((r) => r['id'])).size).toBe(rows.length);

// On ClickHouse too: it has no transactions, so this is what proves its commit order (processor-store.ts).
describe.each([DUCKDB, CLICKHOUSE])(
  'processor replay: exactly-once effects across a crash on $name',
  (kind) => {
    const engines: StorageEngine[] = [];
    afterEach(async () => {
      for (const e of engines.splice(0)) await e.close().catch(() => undefined);
    });
    const { rows } = generateCorpus(7, 150);
    const half = Math.floor(rows.length / 2);

    it('gives the same journeys, insights and interventions after a crash before a commit, with the checkpoint behind', async () => {
      // Reference: everything in one pass.
      const reference = (await kind.open()).engine;
      engines.push(reference);
      await reference.insertEvents(rows.slice(0, half));
      await reference.insertEvents(rows.slice(half));
      const straight = testProcessor(reference, { batchSize: 100_000 });
      await straight.start();
      await straight.drain();
      const expected = await comparable(reference);
      expect(expected.insights.length).toBeGreaterThan(50);
      expect(expected.interventions.length).toBeGreaterThan(30);

      // Crash run: small batches; the first half committed, then a batch processed but never committed.
      const opened = await kind.open();
      let engine = opened.engine;
      engines.push(engine);
      await engine.insertEvents(rows.slice(0, half));
      // Session state is stored only with the first commit: the restart replays from far behind.
      const first = testProcessor(engine, { batchSize: 97, snapshotIntervalMs: 3_600_000 });
      await first.start();
      await first.drain();
      const committedAt = first.lastSeq;
      await engine.insertEvents(rows.slice(half));
      const lost = await first.prepareBatch();
      expect(lost?.outputs.insights.length ?? 0).toBeGreaterThanOrEqual(0);
      await first.stop();
      const stored = await engine.loadProcessorState();
      expect(stored.checkpoint).toBe(committedAt);
      expect(stored.stateSeq).toBeLessThan(committedAt);

      // Restart over the same file: replays from the checkpoint behind.
      await engine.close();
      engines.splice(engines.indexOf(engine), 1);
      engine = await opened.reopen();
      engines.push(engine);
      const second = testProcessor(engine, { batchSize: 61 });
      const delivered: string[] = [];
      second.onCommitted((outputs) => delivered.push(...outputs.interventions.map((v) => v.id)));
      await second.start();
      await second.drain();
      const replayed = await comparable(engine);
      expect(replayed).toEqual(expected);
      expectNoDuplicates(replayed.journeys);
      expectNoDuplicates(replayed.insights);
      expectNoDuplicates(replayed.interventions);
      // Only interventions of events after the stored checkpoint go out; the replayed ones went out before.
      const before = new Set((await comparable(reference)).interventions.map((v) => v['id']));
      expect(delivered.length).toBeLessThan(before.size);
      expect(new Set(delivered).size).toBe(delivered.length);

      // A further restart with nothing new changes nothing.
      const third = testProcessor(engine, { batchSize: 500 });
      await third.start();
      await third.drain();
      expect(await comparable(engine)).toEqual(expected);
      expect(third.lastSeq).toBe(second.lastSeq);
    });
  },
);
