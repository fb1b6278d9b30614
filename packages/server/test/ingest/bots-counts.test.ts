import { afterEach, describe, expect, it } from 'vitest';
import { botsQuery } from '../../src/query/web/bots.js';
import { openClickHouseEngine } from '../../src/storage/clickhouse/index.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { runQuery } from '../query/support.js';
import { clickhouseTestOptions, ENGINES } from '../support/engines.js';

const DAY = 86_400_000;
const DAY0 = 19_700 * DAY;
const DAY1 = DAY0 + DAY;

const dropped = (engine: StorageEngine, projectId: string, from: number, to: number) =>
  runQuery(engine, botsQuery, projectId, { time_range: { from, to } }, to);

describe.each(ENGINES)('bot counts on $name', (kind) => {
  const open: StorageEngine[] = [];
  afterEach(async () => {
    for (const engine of open.splice(0)) await engine.close().catch(() => undefined);
  });

  it('adds counts per project and day across writes and restarts, and the bots query sums them', async () => {
    const opened = await kind.open();
    open.push(opened.engine);
    await opened.engine.addBotCounts([
      { project_id: 'p1', day: DAY0, dropped: 3 },
      { project_id: 'p1', day: DAY0, dropped: 2 },
      { project_id: 'p1', day: DAY1, dropped: 1 },
      { project_id: 'p2', day: DAY0, dropped: 7 },
    ]);
    await opened.engine.addBotCounts([]);
    await opened.engine.addBotCounts([{ project_id: 'p1', day: DAY0, dropped: 4 }]);
    await opened.engine.close();
    open.pop();
    const engine = await opened.reopen();
    open.push(engine);
    await engine.addBotCounts([{ project_id: 'p1', day: DAY1, dropped: 10 }]);

    expect(await dropped(engine, 'p1', DAY0, DAY1 + DAY)).toEqual({
      days: [
        { day: DAY0, dropped: 9 },
        { day: DAY1, dropped: 11 },
      ],
      total_dropped: 20,
    });
    // A range from mid-day counts that whole day; a day starting at `to` is outside it.
    expect(await dropped(engine, 'p1', DAY0 + DAY / 2, DAY1)).toEqual({
      days: [{ day: DAY0, dropped: 9 }],
      total_dropped: 9,
    });
    expect(await dropped(engine, 'p2', DAY0, DAY1 + DAY)).toEqual({
      days: [{ day: DAY0, dropped: 7 }],
      total_dropped: 7,
    });
    expect(await dropped(engine, 'p3', DAY0, DAY1 + DAY)).toEqual({ days: [], total_dropped: 0 });
  });
});

describe('bot counts of several ClickHouse nodes', () => {
  it('keeps each node its own running total and sums them', async () => {
    const options = clickhouseTestOptions();
    const [a, b] = await Promise.all([
      openClickHouseEngine(options),
      openClickHouseEngine({ ...options, node: 1 }),
    ]);
    try {
      // Interleaved writes of two nodes to the same (project, day): neither overwrites the other.
      for (let i = 0; i < 5; i++) {
        await Promise.all([
          a.addBotCounts([{ project_id: 'p1', day: DAY0, dropped: 1 }]),
          b.addBotCounts([{ project_id: 'p1', day: DAY0, dropped: 10 }]),
        ]);
      }
      expect(await dropped(a, 'p1', DAY0, DAY1)).toEqual({
        days: [{ day: DAY0, dropped: 55 }],
        total_dropped: 55,
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
