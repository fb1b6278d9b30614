import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../src/processor/intervention-rules.js';
import { StreamProcessor } from '../../src/processor/processor.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import type { ProcessorBatch } from '../../src/storage/processor-records.js';
import { ev, openTestEngine, T0, WALL } from './support.js';

const pageviews = (n: number, from: number): EventRow[] =>
  Array.from({ length: n }, (_, i) => ev('$pageview', T0 + from + i * 1000, { $pathname: `/p${i}` }));

/**
 * One round of the processor (notify) commits what was there when it read, and leaves what
 * arrived during its own commit to the next round, so its caller's linger decides the commit rate
 * under a trickle (processor-thread.ts): not one commit after another, a few events each.
 */
describe('processor rounds', () => {
  const engines: StorageEngine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
  });

  async function setUp(batchSize: number) {
    const { engine } = await openTestEngine();
    engines.push(engine);
    const commits: ProcessorBatch[] = [];
    let duringCommit: (() => Promise<void>) | null = null;
    const store = {
      commitProcessorBatch: async (batch: ProcessorBatch) => {
        commits.push(batch);
        const arrive = duringCommit;
        duringCommit = null;
        if (arrive) await arrive();
        return engine.commitProcessorBatch(batch);
      },
      saveProcessorState: engine.saveProcessorState.bind(engine),
      loadProcessorState: engine.loadProcessorState.bind(engine),
      readEventsAfter: engine.readEventsAfter.bind(engine),
      health: engine.health.bind(engine),
    };
    const processor = new StreamProcessor(store, () => DEFAULT_RULES, {
      batchSize,
      sweepIntervalMs: 0,
      wallClock: () => WALL,
      snapshotIntervalMs: 0,
    });
    return {
      engine,
      processor,
      commits,
      arriveDuringNextCommit: (rows: EventRow[]) => {
        duringCommit = async () => void (await engine.insertEvents(rows));
      },
    };
  }

  it('ends after a batch that was not full, even though events arrived during its commit', async () => {
    const { engine, processor, commits, arriveDuringNextCommit } = await setUp(100);
    await engine.insertEvents(pageviews(5, 0));
    await processor.start();
    await processor.drain();
    expect(commits).toHaveLength(1);
    expect(processor.lastSeq).toBe(5);

    await engine.insertEvents(pageviews(3, 10_000));
    arriveDuringNextCommit(pageviews(4, 20_000));
    await processor.notify();
    expect(commits).toHaveLength(2);
    expect(processor.lastSeq).toBe(8);

    // The next round takes what arrived meanwhile.
    await processor.notify();
    expect(commits).toHaveLength(3);
    expect(processor.lastSeq).toBe(12);
    await processor.stop();
  });

  it('goes on through full batches in one round: a backlog is not held back by the linger', async () => {
    const { engine, processor, commits } = await setUp(10);
    await engine.insertEvents(pageviews(25, 0));
    await processor.start();
    await processor.notify();
    expect(commits.map((c) => c.checkpoint)).toEqual([10, 20, 25]);
    await processor.stop();
  });
});
