import type { InsightsResult, InsightView } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsQuery } from '../../src/query/insights.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { makeBatch } from '../support/processor-records.js';
import { generateInsights } from './insights-support.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const FROM = 1_700_000_000_000;
const SPAN = 3_600_000;
const RANGE = { from: FROM, to: FROM + 2 * SPAN };
const PAGE = 97;

describe.each(ENGINES)('insights paging by cursor on $name', (kind) => {
  let engine: StorageEngine;
  let checkpoint = 1;
  const commit = (records: ReturnType<typeof generateInsights>) =>
    engine.commitProcessorBatch(
      makeBatch({ checkpoint: ++checkpoint, insights: records.map((r) => r.record) }),
    );

  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine?.close());

  it('returns every insight exactly once, in order, while new ones are being inserted', async () => {
    const original = generateInsights('p1', 1_100, FROM, SPAN);
    await commit(original);

    // Inserts keep arriving while the pages are read: newer ones (sorting before any cursor) and
    // late ones dated inside the span already paged through (sorting after some cursors).
    let inserting = true;
    let batches = 0;
    const inserter = (async () => {
      while (inserting) {
        batches++;
        const newer = generateInsights('p1', 20, FROM + SPAN, SPAN, 100 + batches);
        const late = generateInsights('p1', 5, FROM, SPAN, 500 + batches);
        for (const r of [...newer, ...late]) r.record.id = `new${batches}_${r.record.id}`;
        await commit([...newer, ...late]);
      }
    })();

    const seen: InsightView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await runQuery(
        engine,
        insightsQuery,
        'p1',
        { time_range: RANGE, limit: PAGE, ...(cursor ? { cursor } : {}) },
        RANGE.to,
      )) as InsightsResult;
      seen.push(...page.insights);
      cursor = page.next_cursor ?? undefined;
      pages++;
      // Let the inserter commit between pages.
      await new Promise((resolve) => setTimeout(resolve, 5));
    } while (cursor);
    inserting = false;
    await inserter;
    console.log(
      `insights paging (${kind.name}): ${pages} pages, ${seen.length} rows, ${batches} insert batches meanwhile`,
    );

    expect(batches).toBeGreaterThan(2);
    const ids = seen.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    const seenIds = new Set(ids);
    expect(original.filter((r) => !seenIds.has(r.record.id))).toEqual([]);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(a.generated_at > b.generated_at || (a.generated_at === b.generated_at && a.id > b.id)).toBe(
        true,
      );
    }
  });
});
