import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type QueryFilter, RETENTION_MAX_PERIODS, type RetentionPeriod } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { averageRates, retentionQuery } from '../../src/query/web/retention.js';
import { PERIOD_MS, retentionWindow } from '../../src/query/web/retention-periods.js';
import { createRng } from '../../src/simulate/prng.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { CLICKHOUSE } from '../support/engines.js';
import { makeRow } from '../support/rows.js';
import { matchesFilters } from './filters-reference.js';
import { runQuery } from './support.js';

/**
 * Retention against a brute-force reference computed here from the rows: seeded random events of
 * two projects over five weeks around the window (before it, inside, after now), on both sides of
 * midnight, with empty ids,
 * several events per id and period; each case picks a period, a number of periods, maybe a
 * returning event and maybe a filter. DuckDB answers from events only and from its session rollup
 * (refreshed mid-way, then with late events that arrived after the refresh); ClickHouse from events.
 */
const DAY = 86_400_000;
/** A Thursday, 15:20 UTC: partial days and weeks at both ends. */
const NOW = Date.UTC(2023, 10, 16, 15, 20);
const PROJECT = 'p1';
const NAMES = ['page_view', 'signup', 'purchase', 'click'];
const CASES = 16;

/** Hours of the day events fall in: both sides of midnight (period edges) and NOW's own hour. */
const HOURS = [0, 12, 15, 23];

/**
 * Within the 35 days before NOW's day to the end of it (after NOW too); late rows in the last 3
 * days only. A few hours a day keep the rollup's hourly refresh short.
 */
function randomTime(rng: ReturnType<typeof createRng>, late: boolean): number {
  const day = Math.floor(NOW / DAY) * DAY - rng.int(0, late ? 3 : 35) * DAY;
  return day + (HOURS[rng.int(0, HOURS.length - 1)] as number) * 3_600_000 + rng.int(0, 3_599_999);
}

function makeRows(seed: number, count: number, late: boolean): EventRow[] {
  const rng = createRng(seed);
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) {
    const user = rng.next() < 0.03 ? '' : `u${rng.int(0, 119)}`;
    rows.push(
      makeRow({
        project_id: rng.next() < 0.1 ? 'p2' : PROJECT,
        uuid: `${seed}-${i}`,
        distinct_id: user,
        session_id: `${user}-${rng.int(0, 40)}`,
        event: NAMES[rng.int(0, NAMES.length - 1)] as string,
        timestamp: randomTime(rng, late),
        path: rng.next() < 0.5 ? '/home' : '/pricing',
        browser: rng.next() < 0.5 ? 'Chrome' : 'Firefox',
      }),
    );
  }
  return rows;
}

interface Case {
  period: RetentionPeriod;
  periods: number;
  returning_event?: string;
  filters?: QueryFilter[];
}

function makeCase(rng: ReturnType<typeof createRng>): Case {
  const period: RetentionPeriod = rng.next() < 0.5 ? 'day' : 'week';
  const periods = rng.int(1, period === 'day' ? RETENTION_MAX_PERIODS.day : 5);
  const c: Case = { period, periods };
  if (rng.next() < 0.5) c.returning_event = NAMES[rng.int(0, NAMES.length - 1)] as string;
  if (rng.next() < 0.4) {
    c.filters = [
      rng.next() < 0.5
        ? { property: 'path', op: 'eq', value: '/home' }
        : { property: 'browser', op: 'in', value: ['Firefox', 'Safari'] },
    ];
  }
  return c;
}

/** The definition, computed directly: cohorts by first period in the window, returns per later period. */
function reference(rows: readonly EventRow[], c: Case) {
  const { from, to } = retentionWindow(NOW, c.period, c.periods);
  const size = PERIOD_MS[c.period];
  const first = new Map<string, number>();
  const returned = new Map<string, Set<number>>();
  for (const row of rows) {
    if (row.project_id !== PROJECT || row.distinct_id === '') continue;
    if (row.timestamp < from || row.timestamp >= to || !matchesFilters(row, c.filters)) continue;
    const idx = Math.floor((row.timestamp - from) / size);
    first.set(row.distinct_id, Math.min(first.get(row.distinct_id) ?? idx, idx));
    if (c.returning_event === undefined || row.event === c.returning_event) {
      const set = returned.get(row.distinct_id) ?? new Set<number>();
      set.add(idx);
      returned.set(row.distinct_id, set);
    }
  }
  const cohorts = Array.from({ length: c.periods }, (_, i) => {
    const ids = [...first].filter(([, f]) => f === i).map(([id]) => id);
    const returning = Array.from({ length: c.periods - i }, (_, k) =>
      k === 0 ? ids.length : ids.filter((id) => returned.get(id)?.has(i + k)).length,
    );
    return {
      start: from + i * size,
      size: ids.length,
      returning,
      rates: returning.map((r) => (ids.length > 0 ? r / ids.length : 0)),
    };
  });
  return { period: c.period, from, cohorts, average: averageRates(cohorts) };
}

describe('retention against the brute-force reference', () => {
  const rows = makeRows(11, 6000, false);
  const lateRows = makeRows(12, 300, true);
  const all = [...rows, ...lateRows];
  const cases = Array.from({ length: CASES }, (_, i) => makeCase(createRng(100 + i)));
  let duckdb: StorageEngine;
  let eventsOnly: StorageEngine;
  let clickhouse: StorageEngine;

  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-retention-')), 'test.duckdb');
    duckdb = await openDuckDbEngine({ path, rollupRefreshMs: 0, rollupEventsPerStatement: 500 });
    eventsOnly = Object.create(duckdb, { refreshSessionRollup: { value: undefined } }) as StorageEngine;
    await duckdb.insertEvents(rows);
    // Rolls up every hour that ended before now; the late rows then land in rolled-up hours.
    await (duckdb as unknown as { refreshSessionRollup(now: number): Promise<number> }).refreshSessionRollup(
      NOW + ROLLUP_GRACE_MS,
    );
    await duckdb.insertEvents(lateRows);
    clickhouse = (await CLICKHOUSE.open()).engine;
    await clickhouse.insertEvents(all);
  }, 120_000);
  afterAll(async () => {
    await duckdb.close();
    await clickhouse.close();
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i', async (_, c) => {
    const expected = reference(all, c);
    const args = { ...c };
    expect(await runQuery(duckdb, retentionQuery, PROJECT, args, NOW)).toEqual(expected);
    expect(await runQuery(eventsOnly, retentionQuery, PROJECT, args, NOW)).toEqual(expected);
    expect(await runQuery(clickhouse, retentionQuery, PROJECT, args, NOW)).toEqual(expected);
  });

  it('reads the rollup when it can', async () => {
    // The cases above compare the two paths; this checks the first one had rolled-up hours to read.
    const cover = await duckdb.rollup?.readCover((fragment) => duckdb.query(fragment), []);
    expect(cover?.generation).toBeGreaterThan(0);
    expect(cover?.coveredEnd).toBeGreaterThan(NOW - 2 * 3_600_000);
  });
});
