/**
 * ClickHouse for the benchmark: the tests' clickhouse-server (test/clickhouse/config.xml) started
 * once per `npm run bench`, and each data set / server run in a database of its own.
 */
import { openClickHouseEngine } from '../../packages/server/src/storage/clickhouse/index.js';
import type { StorageEngine } from '../../packages/server/src/storage/engine.js';
import {
  clickhouseInstalled,
  type RunningClickHouse,
  startClickHouse,
} from '../../packages/server/test/clickhouse/server.js';

let running: RunningClickHouse | null = null;
let databases = 0;

export const clickhouseAvailable = clickhouseInstalled;

async function server(): Promise<RunningClickHouse> {
  running ??= await startClickHouse();
  return running;
}

/** Environment for a `sightline start` child on a fresh ClickHouse database. */
export async function clickhouseServerEnv(): Promise<Record<string, string>> {
  return {
    SIGHTLINE_ENGINE: 'clickhouse',
    SIGHTLINE_CLICKHOUSE_URL: (await server()).url,
    SIGHTLINE_CLICKHOUSE_DATABASE: `bench_${process.pid}_${++databases}`,
  };
}

/** An in-process engine on a fresh ClickHouse database. */
export async function openClickHouseBenchEngine(): Promise<StorageEngine> {
  return openClickHouseEngine({
    connection: { url: (await server()).url },
    database: `bench_${process.pid}_${++databases}`,
  });
}

export async function stopClickHouse(): Promise<void> {
  await running?.stop();
  running = null;
}
