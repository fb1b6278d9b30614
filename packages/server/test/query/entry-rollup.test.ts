import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CountryRow, QueryFilter } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countriesQuery } from '../../src/query/web/countries.js';
import { devicesQuery } from '../../src/query/web/devices.js';
import { sourcesQuery } from '../../src/query/web/sources.js';
import { createRng } from '../../src/simulate/prng.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow, StorageEngine, StoredEvent } from '../../src/storage/engine.js';
import { matchesFilters } from './filters-reference.js';
import { randomRows } from './sessions-reference.js';
import { runQuery } from './support.js';

/**
 * `sources`, `devices` and `countries` read through DuckDB's session-entry rollup (entry dimensions
 * computed when the hour is rolled up) equal their events-only answers (and countries one computed
 * here from the stored events) before, during and after refreshes:
 * late events in rolled-up hours, sessions across hour edges, ties on timestamp (seq decides),
 * sessions cut into several rows by small refresh statements, with and without filters. The
 * events-only answers are checked against the definitions in sources.test.ts and devices.test.ts.
 */
/** An hour (four rollup slots): the fixtures span hours, their edges fall on slot boundaries. */
const HOUR = 3_600_000;
const H0 = Math.floor(1_700_000_000_000 / HOUR) * HOUR;
const NOW = H0 + 8 * HOUR;
const refreshAt = (end: number) => end + ROLLUP_GRACE_MS + HOUR;
const RANGES = [
  { from: H0 - HOUR, to: NOW },
  { from: H0 + 2 * HOUR + 1, to: H0 + 7 * HOUR - 1 },
];
const FILTERS: QueryFilter[][] = [
  [],
  [{ property: 'browser', op: 'eq', value: 'Chrome' }],
  [{ property: 'country', op: 'eq', value: 'FR' }],
  [{ property: 'utm_source', op: 'in', value: ['google', 'Newsletter'] }],
  [
    { property: 'path', op: 'neq', value: '/pricing' },
    { property: 'referrer_domain', op: 'contains', value: 'o' },
  ],
];

const COUNTRIES = ['DE', 'FR', 'US', 'GB', '', 'JP'];
const SITE = 'https://shop.example.com';
const REFERRERS = [
  '',
  '',
  'https://www.google.com/search?q=x',
  `${SITE}/cart`,
  'https://t.co/abc',
  'android-app://x',
];
const QUERY_STRINGS = [
  '',
  '',
  '?utm_source=google&utm_medium=cpc',
  '?utm_campaign=Spring%20sale&utm_term=shoes',
];
const PROPERTIES = [
  {},
  { screen_width: 390 },
  { screen_width: 1440, utm_source: 'Newsletter', utm_medium: 'email' },
  { screen_width: 800, utm_content: 'hero' },
  { screen_width: 'wide' },
];

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

describe('sources, devices and countries over the session-entry rollup (DuckDB)', () => {
  let engine: StorageEngine;
  /** The same engine with the rollup out of sight: every query reads events. */
  let eventsOnly: StorageEngine;
  const texts: string[] = [];
  const random = createRng(20_261_204).next;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const rows: EventRow[] = randomRows(random, H0, 6, 300).map((row) => ({
    ...row,
    url: `${SITE}${row.path}${pick(QUERY_STRINGS)}`,
    referrer: pick(REFERRERS),
    os: pick(['Windows', 'iOS', 'Android', '']),
    country: pick(COUNTRIES),
    properties: JSON.stringify(pick(PROPERTIES)),
  }));

  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-entries-')), 'test.duckdb');
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

  async function expectSame(label: string) {
    const stored = await engine.readEventsAfter(0, 100_000);
    let compared = 0;
    for (const range of RANGES) {
      for (const filters of FILTERS) {
        const what = `${label} ${JSON.stringify({ range, filters })}`;
        const args = { time_range: range, filters, limit: 1000 };
        const [sources, sourcesFromEvents, devices, devicesFromEvents, countries, countriesFromEvents] =
          await Promise.all([
            runQuery(engine, sourcesQuery, 'p1', args, NOW),
            runQuery(eventsOnly, sourcesQuery, 'p1', args, NOW),
            runQuery(engine, devicesQuery, 'p1', args, NOW),
            runQuery(eventsOnly, devicesQuery, 'p1', args, NOW),
            runQuery(engine, countriesQuery, 'p1', args, NOW),
            runQuery(eventsOnly, countriesQuery, 'p1', args, NOW),
          ]);
        expect(sources, `sources ${what}`).toEqual(sourcesFromEvents);
        expect(devices, `devices ${what}`).toEqual(devicesFromEvents);
        const expected = reference(stored, range, filters);
        expect(countries.countries, `countries ${what}`).toEqual(expected);
        expect(countriesFromEvents.countries, `countries from events ${what}`).toEqual(expected);
        compared += devices.browsers.reduce((sum, row) => sum + row.sessions, 0);
      }
    }
    expect(compared).toBeGreaterThan(200);
  }

  it('answers as from events before, during and after refreshes, with late events in rolled-up hours', async () => {
    const [a, b] = [Math.floor(rows.length * 0.6), Math.floor(rows.length * 0.85)];
    await engine.insertEvents(rows.slice(0, a));
    await expectSame('nothing rolled up');

    expect(await engine.refreshSessionRollup?.(refreshAt(H0 + 4 * HOUR))).toBeGreaterThan(0);
    texts.length = 0;
    await expectSame('hours before H0+4h rolled up');
    expect(texts.some((text) => text.includes('FROM session_entry_hours'))).toBe(true);

    await engine.insertEvents(rows.slice(a, b));
    await expectSame('late events not rolled up yet');
    expect(await engine.refreshSessionRollup?.(refreshAt(H0 + 5 * HOUR))).toBeGreaterThan(0);
    await engine.insertEvents(rows.slice(b));
    await expectSame('rolled up to H0+5h, then more late events');
    expect(await engine.refreshSessionRollup?.(refreshAt(NOW))).toBeGreaterThan(0);
    await expectSame('everything rolled up');
  });
});
