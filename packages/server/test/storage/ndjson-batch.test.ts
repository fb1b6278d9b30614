import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEventRecord } from '../../src/log/event-record.js';
import { openFileEventLog } from '../../src/log/index.js';
import { toColumns } from '../../src/storage/duckdb/columns.js';
import { DuckDbStore } from '../../src/storage/duckdb/store.js';
import type { EventRow } from '../../src/storage/engine.js';
import { fingerprint } from '../../src/storage/event-dedupe.js';
import { tempDirs } from '../log-ingest/fixtures.js';
import { makeRow } from '../support/rows.js';
import { startStoreLoader } from '../support/store-loader.js';

/** Values a browser really sends that a JSON reader could get wrong. */
const AWKWARD: Array<Partial<EventRow>> = [
  { properties: JSON.stringify({ text: 'a\u0000b', emoji: '😀', sep: '\u2028\u2029', esc: '\\ / "' }) },
  { properties: JSON.stringify({ long: 'x'.repeat(600_000) }), url: 'https://example.com/ü?q=1&r=%20' },
  { properties: '{}', timestamp: 1_700_000_000_000.5, received_at: 1_700_000_000_001.49 },
  { properties: JSON.stringify({ nested: { a: [1, 2, { b: null }] }, n: -0.000001 }), country: '' },
  { distinct_id: 'user "quoted"', session_id: 'sess\ttab', event: '$pageview', path: '/a\\b' },
];

const rows: EventRow[] = AWKWARD.map((overrides, i) => ({
  ...makeRow({ event: `e${i}`, uuid: `00000000-0000-4000-8000-00000000000${i}` }),
  country: 'DE',
  ...overrides,
}));

const EVERY_COLUMN = 'SELECT * FROM events ORDER BY seq';

/**
 * storage/duckdb/ndjson-batch.ts: the loader's way into `events` (DuckDB's JSON reader over the
 * log's records) stores what the Appender stores, column for column.
 */
describe('loading log records through DuckDB’s JSON reader', () => {
  const dirs = tempDirs('ndjson');
  afterEach(() => dirs.removeAll());

  it('stores every column exactly as the Appender does, for current and older records', async () => {
    const appended = await DuckDbStore.open({ path: join(dirs.make(), 'a.duckdb'), rollupRefreshMs: 0 });
    await appended.insertEvents(toColumns(rows));
    const viaAppender = await appended.query(EVERY_COLUMN, []);
    await appended.close();

    const dataDir = dirs.make();
    const log = await openFileEventLog(dataDir);
    await log.consumers.register('loader');
    // Records as capture writes them (fingerprint first), and one as a log written before records
    // carried it — and before they carried `country` — holds it.
    await log.append(
      rows.map((row, i) => {
        const [hi, lo] = fingerprint(row.project_id, row.uuid);
        return i === 3 ? JSON.stringify({ ...row, country: undefined }) : encodeEventRecord(row, hi, lo);
      }),
    );
    const loaded = await DuckDbStore.open({ path: join(dataDir, 'b.duckdb'), rollupRefreshMs: 0 });
    try {
      const position = startStoreLoader(loaded, log, { maxRecords: 100 });
      await position.waitPastShared(rows.length - 1, AbortSignal.timeout(10_000));
      const viaReader = await loaded.query(EVERY_COLUMN, []);
      expect(viaReader.length).toBe(rows.length);
      expect(viaReader).toEqual(viaAppender);
    } finally {
      await loaded.close();
      await log.close();
    }
  });
});
