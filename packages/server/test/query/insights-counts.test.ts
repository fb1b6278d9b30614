import type { InsightsResult } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsQuery } from '../../src/query/insights.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { makeBatch } from '../support/processor-records.js';
import {
  type CountArgs,
  type ExpectedInsight,
  expectedCounts,
  generateInsights,
} from './insights-support.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const FROM = 1_700_000_000_000;
const SPAN = 6 * 3_600_000;
const RANGE = { from: FROM, to: FROM + SPAN };
const COUNT = 1_200;

/** Filter combinations, each dimension alone and together, and the kinds. */
const CASES: CountArgs[] = [
  {},
  { status: 'open' },
  { factor: 'rage_click' },
  { insight_type: 'user_at_risk' },
  { kind: 'problems' },
  { kind: 'outcomes' },
  { status: 'acknowledged', factor: 'upload_stall' },
  { kind: 'problems', status: 'resolved', factor: 'error_encountered' },
  { insight_type: 'journey_abandoned', status: 'open' },
];

describe.each(ENGINES)('insights counts on $name', (kind) => {
  let engine: StorageEngine;
  let rows: ExpectedInsight[];
  const run = (args: Record<string, unknown>) =>
    runQuery(
      engine,
      insightsQuery,
      'p1',
      { time_range: RANGE, ...args },
      RANGE.to,
    ) as Promise<InsightsResult>;

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    rows = generateInsights('p1', COUNT, FROM, SPAN);
    // Another project's insights, and p1's outside the range: never counted.
    const other = generateInsights('p2', 300, FROM, SPAN, 2);
    const outside = generateInsights('p1', 50, FROM + SPAN, 3_600_000, 3).map((r) => ({
      ...r.record,
      id: `late_${r.record.id}`,
    }));
    await engine.commitProcessorBatch(
      makeBatch({ checkpoint: 1, insights: [...rows, ...other].map((r) => r.record).concat(outside) }),
    );
  });
  afterAll(() => engine?.close());

  it(`counts ${COUNT} insights over the whole range, each dimension without its own filter`, async () => {
    for (const args of CASES) {
      const result = await run({ ...args, limit: 10 });
      const expected = expectedCounts(rows, args);
      expect({ args, total: result.total, counts: result.counts }).toEqual({
        args,
        total: expected.total,
        counts: { by_type: expected.by_type, by_factor: expected.by_factor, by_status: expected.by_status },
      });
      expect(result.insights.length).toBe(Math.min(10, expected.total));
    }
  });

  it('filters by factor: exactly the insights filed under it, newest first', async () => {
    const result = await run({ factor: 'dead_click', limit: 1000 });
    const expected = rows
      .filter((r) => r.factor === 'dead_click')
      .map((r) => r.record)
      .sort((a, b) => b.generated_at - a.generated_at || (a.id < b.id ? 1 : -1));
    expect(expected.length).toBeGreaterThan(50);
    expect(result.insights.map((i) => i.id)).toEqual(expected.map((r) => r.id));
    expect(result.total).toBe(expected.length);
  });

  it("lists one problem group's insights (the drill-down), older rows by their type's key", async () => {
    for (const problem of [
      'user_at_risk:rage_click:/upload',
      'user_at_risk::',
      'journey_abandoned::/checkout',
    ]) {
      const expected = rows.filter((r) => r.problem === problem);
      expect(expected.length).toBeGreaterThan(0);
      const result = await run({ problem, limit: 1000 });
      expect(result.total).toBe(expected.length);
      expect(new Set(result.insights.map((i) => i.id))).toEqual(new Set(expected.map((r) => r.record.id)));
    }
  });

  it('refuses a cursor it did not hand out', async () => {
    await expect(run({ cursor: 'bm90IGEgY3Vyc29y' })).rejects.toMatchObject({ code: 'invalid_arguments' });
  });
});
