import type { SessionsResult } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionsQuery } from '../../src/query/sessions.js';
import { createRng } from '../../src/simulate/prng.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { randomRows, referenceSessions } from './sessions-reference.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

/**
 * Cursor paging while events keep arriving: every session of the list as it was at the first
 * page comes exactly once, in order, though sessions gain events (and move up), new sessions
 * start, late events land in old hours and (DuckDB) the rollup refreshes between pages.
 */
/** An hour (four rollup slots): the fixtures span hours, their edges fall on slot boundaries. */
const HOUR = 3_600_000;
const H0 = Math.floor(1_700_000_000_000 / HOUR) * HOUR;
const NOW = H0 + 4 * HOUR;
const NO_PROCESSOR = { insights: [], journeys: [], friction: [] };

describe.each(ENGINES)('sessions paging on $name', (kind) => {
  let engine: StorageEngine;
  const stored: EventRow[] = [];
  const random = createRng(4_242).next;
  let arrivals = 0;

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    const rows = randomRows(random, H0, 3, 100);
    await engine.insertEvents(rows);
    stored.push(...rows);
    await engine.refreshSessionRollup?.(H0 + 2 * HOUR + ROLLUP_GRACE_MS);
  });
  afterAll(async () => {
    await engine.close();
  });

  /** Events for sessions already listed (now and in old hours), and sessions that just started. */
  async function eventsArrive(at: number) {
    const known = [
      ...new Set(stored.filter((r) => r.project_id === 'p1' && r.session_id).map((r) => r.session_id)),
    ];
    const batch: EventRow[] = [];
    for (let i = 0; i < 12; i++) {
      const n = arrivals++;
      const sessionId = i < 8 ? (known[Math.floor(random() * known.length)] as string) : `new-${n}`;
      const late = i % 4 === 0;
      batch.push(
        makeRow({
          project_id: 'p1',
          uuid: `arrival-${n}`,
          session_id: sessionId,
          distinct_id: `User-${n}`,
          event: i % 3 === 0 ? 'error' : 'click',
          timestamp: late ? H0 + Math.floor(random() * 2 * HOUR) : at,
        }),
      );
    }
    await engine.insertEvents(batch);
    stored.push(...batch);
  }

  for (const sort of ['last_seen', 'event_count'] as const) {
    it(`each session once, in order, sorted by ${sort}`, async () => {
      const before = referenceSessions(
        stored,
        NO_PROCESSOR,
        'p1',
        { from: NOW - 86_400_000, to: NOW + 1 },
        { sort },
      );
      expect(before.length).toBeGreaterThan(60);
      const started = performance.now();
      const seen: string[] = [];
      let cursor: string | null = null;
      let now = NOW;
      let pages = 0;
      do {
        const page: SessionsResult = await runQuery(
          engine,
          sessionsQuery,
          'p1',
          { time_range: '24h', sort, limit: 20, ...(cursor ? { cursor } : {}) },
          now,
        );
        expect(page.total, `page ${pages}`).toBe(before.length);
        seen.push(...page.sessions.map((s) => s.session_id));
        cursor = page.next_cursor;
        pages++;
        now += 60_000;
        await eventsArrive(now - 1000);
        // The rollup moves on between pages: later pages must keep to the first page's cover.
        if (pages % 2 === 0) await engine.refreshSessionRollup?.(H0 + 3 * HOUR + ROLLUP_GRACE_MS + pages);
      } while (cursor);
      expect(pages).toBeGreaterThan(3);
      expect(seen).toEqual(before.map((s) => s.session_id));
      // A new first page shows what arrived.
      const fresh = await runQuery(engine, sessionsQuery, 'p1', { time_range: '24h', sort, limit: 5 }, now);
      expect(fresh.total).toBe(
        referenceSessions(stored, NO_PROCESSOR, 'p1', { from: now - 86_400_000, to: now + 1 }, {}).length,
      );
      expect(fresh.total).toBeGreaterThan(before.length);
      console.log(
        `${kind.name}: ${pages} pages by ${sort} while events arrived, ${Math.round(performance.now() - started)} ms`,
      );
    });
  }
});
