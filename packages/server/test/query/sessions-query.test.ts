import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { sessionsQuery } from '../../src/query/sessions.js';
import { createRng } from '../../src/simulate/prng.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeBatch } from '../support/processor-records.js';
import { makeRow } from '../support/rows.js';
import { randomProcessorView, randomRows, referenceSessions } from './sessions-reference.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

/**
 * The sessions query on every engine against the list computed in TypeScript from the same rows
 * (sessions-reference.ts): totals, search, each filter, each sort, project isolation, cursors.
 */
/** An hour (four rollup slots): the fixture spans hours, its edges fall on slot boundaries. */
const HOUR = 3_600_000;
const H0 = Math.floor(1_700_000_000_000 / HOUR) * HOUR;
const NOW = H0 + 5 * HOUR;
const RANGE = { from: H0 - HOUR, to: NOW };
const random = createRng(15_002).next;
const ROWS = randomRows(random, H0, 3, 160);
const PROCESSOR = randomProcessorView(random, ROWS);

describe.each(ENGINES)('sessions on $name', (kind) => {
  let engine: StorageEngine;
  const run = (args: Record<string, unknown>, projectId = 'p1', now = NOW) =>
    runQuery(engine, sessionsQuery, projectId, { time_range: RANGE, limit: 1000, ...args }, now);
  const expected = (args: Record<string, unknown>, projectId = 'p1') =>
    referenceSessions(ROWS, PROCESSOR, projectId, RANGE, args);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(ROWS);
    await engine.commitProcessorBatch(makeBatch(PROCESSOR));
    // DuckDB: hours before H0 + 2h come from the rollup, the rest from events.
    await engine.refreshSessionRollup?.(H0 + 3 * HOUR);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('total counts every matching session, not the page', async () => {
    const all = expected({});
    expect(all.length).toBeGreaterThan(100);
    const page = await run({ limit: 10 });
    expect(page.total).toBe(all.length);
    expect(page.sessions).toEqual(all.slice(0, 10));
    expect(page.next_cursor).toEqual(expect.any(String));
    const errors = await run({ has_error: true, limit: 3 });
    expect(errors.total).toBe(expected({ has_error: true }).length);
  });

  it('search finds a session by its id or a distinct id: a part, any case, % and _ as plain text', async () => {
    const target = expected({}).find((s) => s.session_id.startsWith('Sess_')) ?? expected({})[0];
    if (!target) throw new Error('no session');
    const searches = [
      target.session_id,
      target.session_id.toUpperCase(),
      target.session_id.slice(0, 4),
      target.session_id.slice(2),
      target.distinct_id,
      target.distinct_id.toLowerCase(),
      '  user-1 ',
      'ses%',
      '%',
      's_1',
      '_',
      'no such session',
    ];
    for (const search of searches) {
      const answer = await run({ search });
      expect(answer.sessions, search).toEqual(expected({ search }));
      expect(answer.total, search).toBe(answer.sessions.length);
    }
    expect((await run({ search: target.session_id })).sessions.map((s) => s.session_id)).toContain(
      target.session_id,
    );
    // '%' and '_' match only sessions whose ids hold them, not every session.
    expect((await run({ search: '%' })).total).toBeLessThan(expected({}).length);
    expect((await run({ search: '%' })).total).toBeGreaterThan(0);
  });

  it('each filter, and filters together', async () => {
    const cases: Array<Record<string, unknown>> = [
      { has_error: true },
      { has_error: false },
      { at_risk: true },
      { at_risk: false },
      { journey_status: 'completed' },
      { journey_status: 'abandoned' },
      { factor: 'rage_click' },
      { factor: 'error_encountered' },
      { page: '/upload' },
      { page: '/Upload' },
      { page: '/a%b' },
      { browser: 'chrome' },
      { browser: 'Mobile Safari' },
      { device: 'MOBILE' },
      { device: 'tablet', has_error: true, page: '/' },
      { at_risk: true, factor: 'dead_click', search: 'u' },
    ];
    for (const args of cases) {
      const answer = await run(args);
      const reference = expected(args);
      expect(answer.sessions, JSON.stringify(args)).toEqual(reference);
      expect(answer.total, JSON.stringify(args)).toBe(reference.length);
    }
    expect(expected({ factor: 'rage_click' }).length).toBeGreaterThan(0);
    expect(expected({ page: '/a%b', browser: 'chrome' }).length).toBeGreaterThan(0);
  });

  it('each sort: latest / largest first, ties by session id, paged by cursor', async () => {
    for (const sort of ['last_seen', 'first_seen', 'event_count', 'friction_score'] as const) {
      const reference = expected({ sort });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await run({ sort, limit: 40, ...(cursor ? { cursor } : {}) });
        expect(page.total).toBe(reference.length);
        seen.push(...page.sessions.map((s) => s.session_id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen, sort).toEqual(reference.map((s) => s.session_id));
    }
  });

  it("another project's sessions never appear, whatever the search or cursor", async () => {
    const ours = new Set(expected({}).map((s) => s.session_id));
    const theirs = expected({}, 'other').filter((s) => !ours.has(s.session_id));
    expect(theirs.length).toBeGreaterThan(0);
    for (const session of theirs.slice(0, 3)) {
      expect((await run({ search: session.session_id })).sessions.map((s) => s.session_id)).not.toContain(
        session.session_id,
      );
    }
    // A cursor of our list used by the other project continues the other project's list only.
    const first = await run({ limit: 5 });
    const last = first.sessions[4];
    if (!last) throw new Error('no fifth session');
    const other = await run({ limit: 1000, cursor: first.next_cursor }, 'other');
    expect(other.sessions).toEqual(
      expected({}, 'other').filter(
        (s) =>
          s.last_seen < last.last_seen || (s.last_seen === last.last_seen && s.session_id > last.session_id),
      ),
    );
  });

  it('a cursor made for other arguments, or not made here, is invalid_arguments', async () => {
    const first = await run({ limit: 5, has_error: true });
    const attempts: Array<Record<string, unknown>> = [
      { cursor: first.next_cursor, has_error: false },
      { cursor: first.next_cursor, has_error: true, sort: 'event_count' },
      { cursor: 'bm90IGEgY3Vyc29y' },
      { cursor: '!!!' },
    ];
    for (const args of attempts) {
      const failure = await run(args).catch((error: unknown) => error);
      expect(failure, JSON.stringify(args)).toBeInstanceOf(ApiError);
      expect((failure as ApiError).code).toBe('invalid_arguments');
    }
    // A different page size continues the same list.
    const more = await run({ limit: 2, has_error: true, cursor: first.next_cursor });
    expect(more.sessions).toEqual(expected({ has_error: true }).slice(5, 7));
  });

  it('a session is still found by search an hour later in the 24h list', async () => {
    const at = H0 + 4 * HOUR + 10 * 60_000;
    const mine: EventRow[] = ['page_view', 'file_selected', 'error'].map((event, i) =>
      makeRow({
        project_id: 'p1',
        uuid: `later-${i}`,
        session_id: 'my-demo-session-7f3a',
        distinct_id: 'me@example.com',
        event,
        timestamp: at + i * 1000,
      }),
    );
    // Many busier sessions after it, so it is far from the first page an hour later.
    const busy = randomRows(createRng(9).next, at + 60_000, 1, 120).map((r) => ({
      ...r,
      uuid: `busy-${r.uuid}`,
    }));
    await engine.insertEvents([...mine, ...busy]);
    const later = at + HOUR;
    await engine.refreshSessionRollup?.(later);
    for (const search of ['my-demo-session-7f3a', '7F3A', 'me@example']) {
      const found = await run({ time_range: '24h', search }, 'p1', later);
      expect(
        found.sessions.map((s) => [s.session_id, s.event_count, s.has_error]),
        search,
      ).toEqual([['my-demo-session-7f3a', 3, true]]);
      expect(found.total).toBe(1);
    }
  });
});
