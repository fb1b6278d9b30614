import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSightline, type StartOptions, startSightline } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { clickhouseTestOptions } from './engines.js';

export type AppEngine = 'duckdb' | 'clickhouse';

/** An in-process server on 127.0.0.1:0 over DuckDB (fresh data dir) or the run's ClickHouse 18.16 (fresh database). */
export async function startAppOn(engine: AppEngine, options: StartOptions = {}): Promise<RunningSightline> {
  const dataDir = mkdtempSync(join(tmpdir(), `sightline-${engine}-app-`));
  if (engine === 'duckdb') {
    return startSightline(resolveConfig({ port: '0', host: '127.0.0.1', dataDir }, {}), options);
  }
  const { connection, database } = clickhouseTestOptions();
  const config = resolveConfig(
    { port: '0', host: '127.0.0.1', dataDir, engine: 'clickhouse', clickhouseUrl: connection.url },
    { SIGHTLINE_CLICKHOUSE_DATABASE: database },
  );
  return startSightline(config, options);
}
