import type { CountriesResult, CountryRow } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countriesQuery } from '../../src/query/web/countries.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const PROJECT = 'p-countries';
const T = 1_700_000_000_000;
const RANGE = { from: T, to: T + 3_600_000 };

let n = 0;
/** An event `at` seconds after T, sent from `country` ('' unknown). */
const ev = (session: string, user: string, at: number, country: string, path = '/'): EventRow =>
  makeRow({
    project_id: PROJECT,
    uuid: `geo-${n++}`,
    session_id: session,
    distinct_id: user,
    timestamp: T + at * 1000,
    country,
    path,
  });

const ROWS: EventRow[] = [
  ev('s1', 'u1', 0, 'DE'),
  // A later event of s1 from elsewhere (a VPN switched on): s1 keeps its entry's country.
  ev('s1', 'u1', 10, 'FR', '/pricing'),
  ev('s2', 'u2', 20, 'US'),
  // u1 again, another session.
  ev('s3', 'u1', 30, 'DE'),
  ev('s4', 'u3', 40, ''),
  ev('s5', 'u4', 50, 'US', '/pricing'),
  ev('s6', 'u5', 60, 'GB'),
  // No distinct id: a session, not a visitor.
  ev('s7', '', 70, 'US'),
  // Not counted: no session id, another project, outside the range.
  ev('', 'u6', 80, 'JP'),
  makeRow({ project_id: 'p-other', session_id: 's1', timestamp: T, country: 'JP' }),
  ev('s8', 'u7', -10, 'JP'),
  ev('s9', 'u8', 3600, 'JP'),
];

const row = (code: string, visitors: number, sessions: number): CountryRow => ({ code, visitors, sessions });

describe.each(ENGINES)('countries on $name', (kind) => {
  let engine: StorageEngine;
  const run = (args: object): Promise<CountriesResult> =>
    runQuery(engine, countriesQuery, PROJECT, { time_range: RANGE, ...args }, T);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(ROWS);
  });
  afterAll(() => engine.close());

  it('counts sessions and visitors by their entry event country, most visitors first', async () => {
    expect(await run({})).toEqual({
      countries: [row('US', 2, 3), row('DE', 1, 2), row('', 1, 1), row('GB', 1, 1)],
    });
  });

  it('lists at most `limit` countries', async () => {
    expect(await run({ limit: 2 })).toEqual({ countries: [row('US', 2, 3), row('DE', 1, 2)] });
  });

  it('takes the common filters: a session with a matching event counts under its entry country', async () => {
    expect(await run({ filters: [{ property: 'country', op: 'eq', value: 'FR' }] })).toEqual({
      countries: [row('DE', 1, 1)],
    });
    expect(await run({ filters: [{ property: 'country', op: 'in', value: ['GB', ''] }] })).toEqual({
      countries: [row('', 1, 1), row('GB', 1, 1)],
    });
    expect(await run({ filters: [{ property: 'path', op: 'eq', value: '/pricing' }] })).toEqual({
      countries: [row('DE', 1, 1), row('US', 1, 1)],
    });
    expect(
      await run({
        filters: [
          { property: 'country', op: 'neq', value: 'US' },
          { property: 'country', op: 'neq', value: '' },
        ],
      }),
    ).toEqual({ countries: [row('DE', 1, 2), row('GB', 1, 1)] });
  });
});
