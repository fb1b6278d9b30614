import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/log/event-log.js';
import { encodeEventRecord } from '../../src/log/event-record.js';
import { toColumns } from '../../src/storage/duckdb/columns.js';
import { EVENTS_DDL } from '../../src/storage/duckdb/ddl.js';
import { EventWriter } from '../../src/storage/duckdb/event-writer.js';
import { insertRecords } from '../../src/storage/duckdb/ndjson-batch.js';
import type { EventRow } from '../../src/storage/engine.js';
import { fingerprint } from '../../src/storage/event-dedupe.js';
import { tempDirs } from '../log-ingest/fixtures.js';
import { makeRow } from '../support/rows.js';

const MAX_RECORD_BYTES = 32 * 1024 * 1024;

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

/** A fresh DuckDB file with `events`; `rows()` reads every column of every row in seq order. */
async function freshStore(path: string) {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run(EVENTS_DDL);
  return {
    instance,
    conn,
    rows: async () => (await conn.runAndReadAll('SELECT * FROM events ORDER BY seq')).getRowObjectsJson(),
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** storage/duckdb/ndjson-batch.ts: the loader's way into `events` stores what the Appender stores. */
describe('loading log records through DuckDB’s JSON reader', () => {
  const dirs = tempDirs('ndjson');
  afterEach(() => dirs.removeAll());

  it('stores every column exactly as the Appender does, for current and older records', async () => {
    const dir = dirs.make();
    const appended = await freshStore(join(dir, 'appender.duckdb'));
    const writer = await EventWriter.open(appended.instance);
    await writer.insert(toColumns(rows));
    writer.close();
    const viaAppender = await appended.rows();
    appended.close();

    const read = await freshStore(join(dir, 'ndjson.duckdb'));
    // Records as capture writes them (fingerprint first), and one as a log written before
    // records carried it — and before they carried `country` — holds it.
    const records: LogRecord[] = rows.map((row, offset) => {
      const [hi, lo] = fingerprint(row.project_id, row.uuid);
      const text =
        offset === 3 ? JSON.stringify({ ...row, country: undefined }) : encodeEventRecord(row, hi, lo);
      return { offset, data: Buffer.from(text) };
    });
    await read.conn.run('BEGIN TRANSACTION');
    await insertRecords(read.conn, join(dir, 'batch.ndjson'), records, MAX_RECORD_BYTES);
    await read.conn.run('COMMIT');
    const viaReader = await read.rows();
    read.close();

    expect(viaReader.length).toBe(rows.length);
    expect(viaReader).toEqual(viaAppender);
  });
});
