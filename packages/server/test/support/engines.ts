import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openClickHouseEngine } from '../../src/storage/clickhouse/index.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import type { StorageEngine } from '../../src/storage/engine.js';

export interface OpenedEngine {
  engine: StorageEngine;
  /** An engine over the same stored data (after the first was closed). */
  reopen: () => Promise<StorageEngine>;
}

export interface TestEngineKind {
  name: string;
  open(): Promise<OpenedEngine>;
}

/** The 2-shard cluster of test/clickhouse/config.xml. */
export const TEST_CLUSTER = 'sightline_two_shards';

let counter = 0;
/** A database name no other engine of this run uses (test files run in parallel on one server). */
const freshDatabase = () => `t${process.pid}_${++counter}_${Math.floor(Math.random() * 1e9)}`;

export function clickhouseUrl(): string {
  const provided = inject('clickhouse');
  if ('error' in provided) throw new Error(provided.error);
  return provided.url;
}

let chdbDir: string | null = null;
function chdbConnection() {
  const provided = inject('chdb');
  if ('error' in provided) throw new Error(provided.error);
  // chDB allows one data folder per process; engines of a process share it, each in its own database.
  chdbDir ??= mkdtempSync(join(tmpdir(), 'sightline-chdb-'));
  return { chdbFrom: provided.from, dataPath: chdbDir };
}

const clickhouseKind = (
  name: string,
  connect: () => Parameters<typeof openClickHouseEngine>[0],
): TestEngineKind => ({
  name,
  async open() {
    const options = connect();
    return { engine: await openClickHouseEngine(options), reopen: () => openClickHouseEngine(options) };
  },
});

export const DUCKDB: TestEngineKind = {
  name: 'duckdb',
  async open() {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-duckdb-')), 'test.duckdb');
    return { engine: await openDuckDbEngine({ path }), reopen: () => openDuckDbEngine({ path }) };
  },
};

/** Options of a ClickHouse 18.16 engine on the run's server, in a database of its own. */
export const clickhouseTestOptions = () => ({
  connection: { url: clickhouseUrl() },
  database: freshDatabase(),
});

export const CLICKHOUSE = clickhouseKind('clickhouse 18.16', clickhouseTestOptions);

export const CLICKHOUSE_DISTRIBUTED = clickhouseKind('clickhouse 18.16 distributed (2 shards)', () => ({
  connection: { url: clickhouseUrl() },
  database: freshDatabase(),
  cluster: TEST_CLUSTER,
}));

/** Options of a chDB (ClickHouse 26, in process) engine, in a database of its own. */
export const chdbTestOptions = () => ({
  connection: chdbConnection(),
  database: freshDatabase(),
});

export const CHDB = clickhouseKind('chdb (clickhouse 26)', chdbTestOptions);

/** Every engine the conformance suite and the query tests run on. */
export const ENGINES: readonly TestEngineKind[] = [DUCKDB, CLICKHOUSE, CLICKHOUSE_DISTRIBUTED, CHDB];
