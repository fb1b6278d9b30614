import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CountryRow, QueryFilter } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLUP_HOUR_MS } from '../../src/query/session-rollup.js';
import { countriesQuery } from '../../src/query/web/countries.js';
import { createRng } from '../../src/simulate/prng.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow, StorageEngine, StoredEvent } from '../../src/storage/engine.js';
import { matchesFilters } from './filters-reference.js';
import { randomRows } from './sessions-reference.js';
import { runQuery } from './support.js';

/**
 * `countries` read through DuckDB's session-entry rollup equals the events-only answer and one
 * computed here from the stored events, before, during and after refreshes: late events in
 * rolled-up hours, sessions across hour edges, ties on timestamp (seq decides), sessions cut into
 * several rows by small refresh statements, with and without filters.
 */
const HOUR = ROLLUP_HOUR_MS;
const H0 = Math.floor(1_700_000_000_000 / HOUR) * HOUR;
const NOW = H0 + 8 * HOUR;
const refreshAt = (end: number) => end + ROLLUP_GRACE_MS + HOUR;
const RANGES = [
  { from: H0 - HOUR, to: NOW },
  { from: H0 + 17 * 60_000, to: H0 + 4 * HOUR + 23 * 60_000 },
  { from: H0 + 2 * HOUR + 1, to: H0 + 7 * HOUR - 1 },
];
const FILTERS: QueryFilter[][] = [
  [],
  [{ property: 'country', op: 'eq', value: 'FR' }],
  [{ property: 'path', op: 'in', value: ['/upload', '/pricing'] }],
  [
    { property: 'browser', op: 'neq', value: 'Edge' },
    { property: 'country', op: 'neq', value: '' },
  ],
];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', '', 'JP'];

/** The definition in docs/SEMANTICS.md, over the stored events. */
function reference(
  events: readonly StoredEvent[],
  range: { from: number; to: number },
  filters: QueryFilter[],
) {
  const sessions = new Map<string, StoredEvent[]>();
  for (const e of events) {
    if (e.project_id !== 'p1' || e.session_id === '' || e.timestamp < range.from || e.timestamp >= range.to)
      continue;
    sessions.set(e.session_id, [...(sessions.get(e.session_id) ?? []), e]);
  }
  const byCountry = new Map<string, { visitors: Set<string>; sessions: number }>();
  for (const list of sessions.values()) {
    if (!list.some((e) => matchesFilters(e, filters))) continue;
    const entry = list.reduce((a, b) =>
      b.timestamp < a.timestamp || (b.timestamp === a.timestamp && b.seq < a.seq) ? b : a,
    );
    const tally = byCountry.get(entry.country) ?? { visitors: new Set(), sessions: 0 };
    if (entry.distinct_id !== '') tally.visitors.add(entry.distinct_id);
    tally.sessions++;
    byCountry.set(entry.country, tally);
  }
  return [...byCountry]
    .map(([code, { visitors, sessions }]): CountryRow => ({ code, visitors: visitors.size, sessions }))
    .sort(
      (a, b) =>
        b.visitors - a.visitors ||
        b.sessions - a.sessions ||
        (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    );
}

describe('countries over the session-entry rollup (DuckDB)', () => {
  let engine: StorageEngine;
  /** The same engine with the rollup out of sight: every query reads events. */
  let eventsOnly: StorageEngine;
  const texts: string[] = [];
  const random = createRng(20_261_203).next;
  const rows: EventRow[] = randomRows(random, H0, 6, 300).map((row) => ({
    ...row,
    country: COUNTRIES[Math.floor(random() * COUNTRIES.length)] as string,
  }));

  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-countries-')), 'test.duckdb');
    // Statements of 150 events cut sessions into several rollup rows, as hours and late events do.
    engine = await openDuckDbEngine({ path, rollupRefreshMs: 0, rollupEventsPerStatement: 150 });
    eventsOnly = Object.create(engine, { refreshSessionRollup: { value: undefined } }) as StorageEngine;
    const query = engine.query.bind(engine);
    engine.query = (fragment, options) => {
      texts.push(fragment.parts.join('?'));
      return query(fragment, options);
    };
  });
  afterAll(() => engine.close());

  async function expectExact(label: string) {
    const stored = await engine.readEventsAfter(0, 100_000);
    let compared = 0;
    for (const range of RANGES) {
      for (const filters of FILTERS) {
        const what = `${label} ${JSON.stringify({ range, filters })}`;
        const args = { time_range: range, filters, limit: 1000 };
        const [viaRollup, viaEvents] = await Promise.all(
          [engine, eventsOnly].map((on) => runQuery(on, countriesQuery, 'p1', args, NOW)),
        );
        const expected = reference(stored, range, filters);
        expect(viaRollup?.countries, what).toEqual(expected);
        expect(viaEvents?.countries, what).toEqual(expected);
        compared += expected.reduce((sum, row) => sum + row.sessions, 0);
      }
    }
    expect(compared).toBeGreaterThan(200);
  }

  it('answers exactly before, during and after refreshes, with late events in rolled-up hours', async () => {
    const [a, b] = [Math.floor(rows.length * 0.6), Math.floor(rows.length * 0.85)];
    await engine.insertEvents(rows.slice(0, a));
    await expectExact('nothing rolled up');

    expect(await engine.refreshSessionRollup?.(refreshAt(H0 + 4 * HOUR))).toBeGreaterThan(0);
    texts.length = 0;
    await expectExact('hours before H0+4h rolled up');
    expect(texts.some((text) => text.includes('FROM session_entry_hours'))).toBe(true);

    await engine.insertEvents(rows.slice(a, b));
    await expectExact('late events not rolled up yet');
    expect(await engine.refreshSessionRollup?.(refreshAt(H0 + 5 * HOUR))).toBeGreaterThan(0);
    await engine.insertEvents(rows.slice(b));
    await expectExact('rolled up to H0+5h, then more late events');
    expect(await engine.refreshSessionRollup?.(refreshAt(NOW))).toBeGreaterThan(0);
    await expectExact('everything rolled up');
  });
});
