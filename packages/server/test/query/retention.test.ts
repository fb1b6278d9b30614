import type { RetentionResult } from '@sightline/schema';
import { retentionArgs } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionQuery } from '../../src/query/web/retention.js';
import { periodStart } from '../../src/query/web/retention-periods.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const PROJECT = 'p-retention';
const DAY = 86_400_000;
/** Noon on Wednesday 2023-11-15 (UTC): the current day and week are partial. */
const NOW = Date.UTC(2023, 10, 15, 12);
/** Start of the window of 4 days: 00:00 UTC three days before NOW's day. */
const FROM = Date.UTC(2023, 10, 12);

let n = 0;
/** An event of `user` on day `day` of the window (0 = FROM's day), `ms` into it. */
const ev = (user: string, day: number, event = 'page_view', ms = 3_600_000, project = PROJECT): EventRow =>
  makeRow({
    project_id: project,
    uuid: `ret-${n++}`,
    distinct_id: user,
    session_id: `${user}-${day}`,
    event,
    timestamp: FROM + day * DAY + ms,
  });

const ROWS: EventRow[] = [
  // a: first seen at the window's first ms.
  ev('a', 0, 'page_view', 0),
  ev('a', 1),
  ev('a', 3, 'purchase'),
  ev('b', 0),
  ev('b', 2),
  ev('c', 1),
  ev('c', 1, 'purchase'),
  ev('c', 2),
  ev('d', 1, 'signup'),
  ev('e', 3),
  // f: seen before the window (1 ms before it): first seen in the window on day 2.
  ev('f', 0, 'page_view', -1),
  ev('f', 2),
  // Not ids: an empty distinct id, another project, after now.
  ev('', 0),
  ev('g', 0, 'page_view', 3_600_000, 'p-other'),
  ev('h', 3, 'page_view', 13 * 3_600_000),
];

const cohort = (day: number, returning: number[]) => ({
  start: FROM + day * DAY,
  size: returning[0] ?? 0,
  returning,
  rates: returning.map((r) => (returning[0] ? r / returning[0] : 0)),
});

describe('retention arguments', () => {
  it('caps periods at 12 weeks and 31 days', () => {
    expect(retentionArgs.safeParse({ period: 'week', periods: 12 }).success).toBe(true);
    expect(retentionArgs.safeParse({ period: 'week', periods: 13 }).success).toBe(false);
    expect(retentionArgs.safeParse({ period: 'day', periods: 31 }).success).toBe(true);
    expect(retentionArgs.safeParse({ period: 'day', periods: 32 }).success).toBe(false);
    expect(retentionArgs.parse({})).toEqual({ period: 'week', periods: 8 });
  });

  it('starts weeks on Monday 00:00 UTC', () => {
    // 2023-11-13 was a Monday.
    expect(periodStart(NOW, 'week')).toBe(Date.UTC(2023, 10, 13));
    expect(periodStart(Date.UTC(2023, 10, 13) - 1, 'week')).toBe(Date.UTC(2023, 10, 6));
    expect(periodStart(NOW, 'day')).toBe(Date.UTC(2023, 10, 15));
  });
});

describe.each(ENGINES)('retention on $name', (kind) => {
  let engine: StorageEngine;
  const run = (args: object) =>
    runQuery(engine, retentionQuery, PROJECT, { period: 'day', periods: 4, ...args }, NOW);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(ROWS);
  });
  afterAll(() => engine.close());

  it('counts each cohort and who came back in each later day', async () => {
    const expected: RetentionResult = {
      period: 'day',
      from: FROM,
      cohorts: [cohort(0, [2, 1, 1, 1]), cohort(1, [2, 1, 0]), cohort(2, [1, 0]), cohort(3, [1])],
      average: [1, 2 / 5, 1 / 4, 1 / 2],
    };
    expect(await run({})).toEqual(expected);
  });

  it('counts only the returning event after the cohort period', async () => {
    const result = await run({ returning_event: 'purchase' });
    expect(result.cohorts.map((c) => c.returning)).toEqual([[2, 0, 0, 1], [2, 0, 0], [1, 0], [1]]);
    expect(result.average).toEqual([1, 0, 0, 1 / 2]);
  });

  it('reads only the events that match the filters', async () => {
    const result = await run({ filters: [{ property: 'event', op: 'neq', value: 'signup' }] });
    expect(result.cohorts.map((c) => c.returning)).toEqual([[2, 1, 1, 1], [1, 1, 0], [1, 0], [1]]);
  });

  it('groups by weeks from Monday, the current week included', async () => {
    const result = await run({ period: 'week', periods: 2 });
    const monday = Date.UTC(2023, 10, 13);
    // a, b and f (Saturday 23:59:59.999) start in the previous week and all come back; c, d, e start in this one.
    expect(result).toEqual({
      period: 'week',
      from: monday - 7 * DAY,
      cohorts: [
        { start: monday - 7 * DAY, size: 3, returning: [3, 3], rates: [1, 1] },
        { start: monday, size: 3, returning: [3], rates: [1] },
      ],
      average: [1, 1],
    });
  });
});
