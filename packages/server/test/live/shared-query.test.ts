import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LiveLanes } from '../../src/live/live-lanes.js';
import { SharedQuery, type SubscriberSink } from '../../src/live/shared-query.js';
import { QueryRunner } from '../../src/query/query-runner.js';
import type { QueryDefinition } from '../../src/query/registry.js';
import { raw } from '../../src/sql/sql.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { DUCKDB } from '../support/engines.js';

/** A query whose run holds the engine about `ms` (a pause, then a real statement). */
const takes = (ms: () => number): QueryDefinition<unknown, unknown> => ({
  name: 'takes',
  reads: ['events'],
  args: z.object({}),
  run: async ({ engine }) => {
    await sleep(ms());
    return engine.query(raw('SELECT 1 AS x'));
  },
});

/** Lanes of a project alone on the engine: runs follow each other without rest (live-lanes.test.ts covers the rest). */
const alone = () => new LiveLanes({ costFactor: 4, contended: () => false });

/** Minutes of DuckDB work: only a cancellation ends it. */
const endless: QueryDefinition<unknown, unknown> = {
  name: 'endless',
  reads: ['events'],
  args: z.object({}),
  run: ({ engine }) => engine.query(raw('SELECT sum(range) AS s FROM range(100000000000)')),
};

interface Recorded {
  sink: SubscriberSink;
  results: string[];
  errors: Array<{ code: string; message: string }>;
}

function recorder(): Recorded {
  const recorded: Recorded = {
    results: [],
    errors: [],
    sink: {
      result: (json) => recorded.results.push(json),
      error: (code, message) => recorded.errors.push({ code, message }),
    },
  };
  return recorded;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] as number));

describe('SharedQuery: cost throttle, timeouts, cancellation (DuckDB)', () => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = (await DUCKDB.open()).engine;
  });
  afterAll(async () => {
    await engine?.close();
  });

  /** Runs `definition` live under constant writes (a dirty mark every 5 ms) for `ms`; returns run start times. */
  async function underConstantWrites(query: SharedQuery, ms: number, starts: number[]): Promise<number[]> {
    const recorded = recorder();
    query.add(recorded.sink);
    const writes = setInterval(() => query.markDirty(), 5);
    await sleep(ms);
    clearInterval(writes);
    query.stop();
    return starts;
  }

  it('a query that took d ms rests costFactor·d before its next run', async () => {
    const runs = async (costFactor: number) => {
      const starts: number[] = [];
      const query = new SharedQuery({
        runner: new QueryRunner(engine),
        lanes: alone(),
        projectId: 'p',
        definition: takes(() => 100),
        args: {},
        intervalMs: 10,
        costFactor,
        maxBackoffMs: 60_000,
        onRun: () => starts.push(performance.now()),
      });
      return underConstantWrites(query, 2_000, starts);
    };
    const throttled = await runs(4);
    const unthrottled = await runs(1);
    console.log(
      `[cost throttle] 100 ms runs for 2 s under constant writes: k=4 → ${throttled.length} runs (gaps ${gaps(throttled).map((g) => g.toFixed(0))} ms), k=1 → ${unthrottled.length} runs`,
    );
    // Run (≥ 100 ms) + rest (≥ 4 × 100 ms) between two starts.
    for (const gap of gaps(throttled)) expect(gap).toBeGreaterThanOrEqual(495);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    expect(throttled.length).toBeLessThanOrEqual(5);
    expect(unthrottled.length).toBeGreaterThan(throttled.length);
  });

  it('a run past its budget tells the subscribers and backs off further each time, then recovers', async () => {
    let ms = 400;
    const starts: number[] = [];
    const runner = new QueryRunner(engine, { timeoutMs: 100 });
    const query = new SharedQuery({
      runner,
      lanes: alone(),
      projectId: 'p',
      definition: takes(() => ms),
      args: {},
      intervalMs: 10,
      costFactor: 4,
      maxBackoffMs: 60_000,
      onRun: () => starts.push(performance.now()),
    });
    const recorded = recorder();
    query.add(recorded.sink);
    const writes = setInterval(() => query.markDirty(), 5);
    await expect.poll(() => starts.length, { timeout: 5_000 }).toBe(3);
    expect(recorded.errors.length).toBeGreaterThanOrEqual(2);
    for (const error of recorded.errors) {
      expect(error.code).toBe('query_timeout');
      expect(error.message).toMatch(/100 ms budget/);
    }
    const [first, second] = gaps(starts) as [number, number];
    console.log(
      `[timeout backoff] gaps between runs past a 100 ms budget: ${first.toFixed(0)}, ${second.toFixed(0)} ms`,
    );
    // Budget (100) + 4 × budget, then twice that wait.
    expect(first).toBeGreaterThanOrEqual(495);
    expect(second).toBeGreaterThanOrEqual(895);
    // The query becomes fast: the next run answers, and the wait goes back to the cost throttle.
    ms = 0;
    await expect.poll(() => recorded.results.length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(recorded.results[0] as string)).toEqual([{ x: 1 }]);
    const recovered = starts.length;
    await sleep(300);
    expect(starts.length).toBeGreaterThan(recovered);
    clearInterval(writes);
    query.stop();
  });

  it('stop() cancels the run under way in the engine, and tells no one', async () => {
    const runner = new QueryRunner(engine, { timeoutMs: 60_000 });
    const query = new SharedQuery({
      runner,
      lanes: alone(),
      projectId: 'p',
      definition: endless,
      args: {},
      intervalMs: 10,
      costFactor: 4,
      maxBackoffMs: 60_000,
      onRun: () => undefined,
    });
    const recorded = recorder();
    query.add(recorded.sink);
    await expect.poll(() => runner.runningCount()).toBe(1);
    await sleep(200);
    const stopped = performance.now();
    query.stop();
    // The turn is given back only once DuckDB let go of the statement.
    await expect.poll(() => runner.runningCount(), { timeout: 3_000, interval: 10 }).toBe(0);
    console.log(`[stop] running query released ${(performance.now() - stopped).toFixed(0)} ms after stop()`);
    expect(recorded.errors).toEqual([]);
    expect(recorded.results).toEqual([]);
    expect(await engine.query(raw('SELECT 2 AS x'))).toEqual([{ x: 2 }]);
  });
});
