import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countriesQuery } from '../../src/query/web/countries.js';
import { raw, sql } from '../../src/sql/sql.js';
import { openHttpTransport } from '../../src/storage/clickhouse/http-transport.js';
import { openClickHouseEngine } from '../../src/storage/clickhouse/index.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { ADDED_EVENT_COLUMNS } from '../../src/storage/stored-event.js';
import { clickhouseTestOptions, TEST_CLUSTER } from '../support/engines.js';
import { makeRow } from '../support/rows.js';
import { runQuery } from './support.js';

/**
 * `events` as versions before `country` made it: the current table without the columns added
 * since (ADDED_EVENT_COLUMNS), which is exactly the table those versions created. Each engine must
 * open such a store with its rows, add the columns, and store and count countries.
 */
const T = 1_700_000_000_000;
const OLD = [
  makeRow({ uuid: 'old-1', session_id: 'old-s1', distinct_id: 'old-u1', timestamp: T }),
  makeRow({ uuid: 'old-2', session_id: 'old-s2', distinct_id: 'old-u2', timestamp: T + 1000 }),
];
const NEW = [
  makeRow({ uuid: 'new-1', session_id: 'new-s1', distinct_id: 'new-u1', timestamp: T + 2000, country: 'NL' }),
];
/** What the migrated store must answer: old rows as '' (unknown), new ones with their country. */
async function expectMigrated(engine: StorageEngine): Promise<void> {
  const exported: Array<{ uuid: string; country: string }> = [];
  for await (const chunk of engine.exportEvents('p1', { from: 0, to: Number.MAX_SAFE_INTEGER }))
    exported.push(...chunk);
  expect(exported.map(({ uuid, country }) => ({ uuid, country }))).toEqual([
    { uuid: 'old-1', country: '' },
    { uuid: 'old-2', country: '' },
    { uuid: 'new-1', country: 'NL' },
  ]);
  // The fingerprints of the old rows were loaded: a retry of one is still a duplicate.
  expect([...(await engine.insertEvents([OLD[0]!])).inserted]).toEqual([0]);
  const result = await runQuery(engine, countriesQuery, 'p1', { time_range: { from: T, to: T + 60_000 } }, T);
  expect(result).toEqual({
    countries: [
      { code: '', visitors: 2, sessions: 2 },
      { code: 'NL', visitors: 1, sessions: 1 },
    ],
  });
}

describe('a DuckDB file without the columns added to events', () => {
  it('opens with its rows, gains the columns in order, and stores countries', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-duckdb-country-')), 'old.duckdb');
    const columns = async (engine: StorageEngine) =>
      (
        await engine.query(
          sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position`,
        )
      ).map((row) => String(row['column_name']));
    const old = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    try {
      await old.insertEvents(OLD);
      for (const { name } of ADDED_EVENT_COLUMNS)
        await old.query(raw(`ALTER TABLE events DROP COLUMN ${name}`));
      const before = await columns(old);
      expect(before.slice(-2)).toEqual(['fp_hi', 'fp_lo']);
    } finally {
      await old.close();
    }

    const engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    try {
      expect((await columns(engine)).slice(-ADDED_EVENT_COLUMNS.length - 2)).toEqual([
        'fp_hi',
        'fp_lo',
        ...ADDED_EVENT_COLUMNS.map(({ name }) => name),
      ]);
      await engine.insertEvents(NEW);
      await expectMigrated(engine);
    } finally {
      await engine.close();
    }
  });
});

describe.each([
  { name: 'clickhouse 18.16', cluster: undefined },
  { name: 'clickhouse 18.16 distributed (2 shards)', cluster: TEST_CLUSTER },
])('a $name database without the columns added to events', ({ cluster }) => {
  it('opens with its rows, gains the columns on every table, and stores countries', async () => {
    const options = { ...clickhouseTestOptions(), ...(cluster ? { cluster } : {}) };
    const tables = cluster
      ? [
          `sightline_shard1.${options.database}_events`,
          `sightline_shard2.${options.database}_events`,
          'events',
        ]
      : ['events'];
    const old = await openClickHouseEngine(options);
    try {
      await old.insertEvents(OLD);
    } finally {
      await old.close();
    }
    const admin = await openHttpTransport({ url: options.connection.url, database: options.database });
    try {
      // The Distributed table first: it reads the shards' columns.
      for (const table of [...tables].reverse())
        for (const { name } of ADDED_EVENT_COLUMNS)
          await admin.command(`ALTER TABLE ${table} DROP COLUMN ${name}`);
    } finally {
      await admin.close();
    }

    // Two nodes open (and migrate) it at once, as a multi-node deployment restarting would.
    const [engine, other] = await Promise.all([
      openClickHouseEngine(options),
      openClickHouseEngine({ ...options, node: 1 }),
    ]);
    try {
      for (const table of tables) {
        const [database, name] = table.includes('.') ? table.split('.') : [options.database, table];
        const found = await engine.query(
          sql`SELECT name FROM system.columns WHERE database = ${database!} AND table = ${name!}`,
        );
        for (const { name: column } of ADDED_EVENT_COLUMNS)
          expect(
            found.map((row) => row['name']),
            table,
          ).toContain(column);
      }
      await engine.insertEvents(NEW);
      await expectMigrated(engine);
    } finally {
      await Promise.all([engine.close(), other.close()]);
    }
  });
});
