import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionsResult } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionsQuery } from '../../src/query/sessions.js';
import { createRng } from '../../src/simulate/prng.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeBatch } from '../support/processor-records.js';
import { randomProcessorView, randomRows, referenceSessions } from './sessions-reference.js';
import { runQuery } from './support.js';

/**
 * The sessions list read through DuckDB's hourly session rollup equals the events-only answer and
 * the list computed here from the rows, before, during and after refreshes, with late events in
 * rolled-up hours, sessions across hour edges and several distinct ids per session.
 */
/** An hour (four rollup slots): the fixtures span hours, their edges fall on slot boundaries. */
const HOUR = 3_600_000;
const H0 = Math.floor(1_700_000_000_000 / HOUR) * HOUR;
const NOW = H0 + 8 * HOUR;
const refreshAt = (end: number) => end + ROLLUP_GRACE_MS + HOUR;
const RANGES = [
  { from: H0 - HOUR, to: NOW },
  { from: H0 + 17 * 60_000, to: H0 + 4 * HOUR + 23 * 60_000 },
  { from: H0 + 2 * HOUR + 1, to: H0 + 7 * HOUR - 1 },
];
const CASES: Array<Record<string, unknown>> = [
  {},
  { sort: 'first_seen', has_error: true },
  { sort: 'event_count', at_risk: true },
  { sort: 'friction_score', search: 'USER-4' },
  { search: 's1', has_error: false },
  { page: '/upload', browser: 'firefox', device: 'mobile' },
];

describe('sessions over the hourly rollup (DuckDB)', () => {
  let engine: StorageEngine;
  /** The same engine with the rollup out of sight: every query reads events. */
  let eventsOnly: StorageEngine;
  const texts: string[] = [];
  const stored: EventRow[] = [];
  const random = createRng(20_251_203).next;
  const rows = randomRows(random, H0, 6, 300);
  const processor = randomProcessorView(random, rows);

  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-sessions-')), 'test.duckdb');
    // Statements of 150 events cut sessions into several rollup rows, as hours and late events do.
    engine = await openDuckDbEngine({ path, rollupRefreshMs: 0, rollupEventsPerStatement: 150 });
    eventsOnly = Object.create(engine, { refreshSessionRollup: { value: undefined } }) as StorageEngine;
    await engine.commitProcessorBatch(makeBatch(processor));
    const query = engine.query.bind(engine);
    engine.query = (fragment, options) => {
      texts.push(fragment.parts.join('?'));
      return query(fragment, options);
    };
  });
  afterAll(async () => {
    await engine.close();
  });

  const insert = async (batch: EventRow[]) => {
    await engine.insertEvents(batch);
    stored.push(...batch);
  };

  async function expectExactLists(label: string) {
    let compared = 0;
    for (const range of RANGES) {
      for (const args of CASES) {
        const what = `${label} ${JSON.stringify({ range, ...args })}`;
        const full = { time_range: range, limit: 1000, ...args };
        const [viaRollup, viaEvents] = await Promise.all(
          [engine, eventsOnly].map((on) => runQuery(on, sessionsQuery, 'p1', full, NOW)),
        );
        const reference = referenceSessions(stored, processor, 'p1', range, args);
        expect(viaRollup?.sessions, what).toEqual(reference);
        expect(viaRollup?.total, what).toBe(reference.length);
        expect(viaEvents?.sessions, what).toEqual(reference);
        compared += reference.length;
      }
      // Pages of the rollup's list follow one another exactly.
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: SessionsResult = await runQuery(
          engine,
          sessionsQuery,
          'p1',
          { time_range: range, limit: 90, ...(cursor ? { cursor } : {}) },
          NOW,
        );
        paged.push(...page.sessions.map((s) => s.session_id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(paged, `${label} paged ${JSON.stringify(range)}`).toEqual(
        referenceSessions(stored, processor, 'p1', range, {}).map((s) => s.session_id),
      );
    }
    expect(compared).toBeGreaterThan(200);
  }

  it('answers exactly before, during and after refreshes, with late events in rolled-up hours', async () => {
    const started = performance.now();
    const [a, b] = [Math.floor(rows.length * 0.6), Math.floor(rows.length * 0.85)];
    await insert(rows.slice(0, a));
    await expectExactLists('nothing rolled up');

    expect(await engine.refreshSessionRollup?.(refreshAt(H0 + 4 * HOUR))).toBeGreaterThan(0);
    texts.length = 0;
    await expectExactLists('hours before H0+4h rolled up');
    expect(texts.some((text) => text.includes('FROM session_hours'))).toBe(true);

    await insert(rows.slice(a, b));
    await expectExactLists('late events not rolled up yet');
    expect(await engine.refreshSessionRollup?.(refreshAt(H0 + 5 * HOUR))).toBeGreaterThan(0);
    await insert(rows.slice(b));
    await expectExactLists('rolled up to H0+5h, then more late events');
    expect(await engine.refreshSessionRollup?.(refreshAt(NOW))).toBeGreaterThan(0);
    await expectExactLists('everything rolled up');
    console.log(
      `sessions over the rollup: 5 stages compared in ${Math.round(performance.now() - started)} ms`,
    );
  });
});
