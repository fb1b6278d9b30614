import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SightlineConfig } from '../config.js';
import { openClickHouseEngine } from './clickhouse/index.js';
import { openDuckDbEngine } from './duckdb/index.js';
import type { StorageEngine } from './engine.js';
import { storageRecoveryFromEnv } from './engine-health.js';

export const DUCKDB_FILE = 'sightline.duckdb';

/** The data dir holds every event and the keys file: its owner only. */
const DATA_DIR_MODE = 0o700;
const DATA_FILE_MODE = 0o600;
/**
 * No group or other permissions on anything the process creates. DuckDB creates its WAL again
 * after each checkpoint, and spill files under `<file>.tmp/` whenever a query needs them, long
 * after open: a chmod at open cannot reach those, the umask covers every one of them (and the
 * demo's upload files).
 */
const PRIVATE_UMASK = 0o077;

/** The one place that chooses an engine; its recovery settings come from SIGHTLINE_STORAGE_* (engine-health.ts). */
export async function openEngine(
  config: Pick<SightlineConfig, 'dataDir' | 'duckdbMemoryLimit'> &
    Partial<
      Pick<
        SightlineConfig,
        'engine' | 'clickhouseUrl' | 'clickhouseCluster' | 'clickhouseDatabase' | 'nodeId'
      >
    >,
): Promise<StorageEngine> {
  await protectDataDir(config.dataDir);
  const recovery = storageRecoveryFromEnv(process.env);
  if (config.engine === 'clickhouse') {
    if (!config.clickhouseUrl) throw new Error('the clickhouse engine needs a URL (--clickhouse-url)');
    return openClickHouseEngine({
      connection: { url: config.clickhouseUrl },
      ...(config.clickhouseDatabase ? { database: config.clickhouseDatabase } : {}),
      ...(config.clickhouseCluster ? { cluster: config.clickhouseCluster } : {}),
      ...(config.nodeId !== undefined ? { node: config.nodeId } : {}),
      recovery,
    });
  }
  const path = join(config.dataDir, DUCKDB_FILE);
  try {
    const engine = await openDuckDbEngine({ path, memoryLimit: config.duckdbMemoryLimit }, recovery);
    // Files an older version created with the default mode.
    for (const file of [path, `${path}.wal`]) await chmod(file, DATA_FILE_MODE).catch(() => undefined);
    return engine;
  } catch (error) {
    const message = (error as Error).message;
    if (/lock/i.test(message)) {
      throw new Error(
        `${path} is in use by another process (is a Sightline server already running on this data dir?)`,
      );
    }
    throw error;
  }
}

/** Creates the data dir (or narrows an existing one) to its owner, and sets the private umask. */
async function protectDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  try {
    await chmod(dataDir, DATA_DIR_MODE);
  } catch (error) {
    console.warn(`[sightline] could not restrict ${dataDir} to its owner: ${(error as Error).message}`);
  }
  try {
    process.umask(process.umask(PRIVATE_UMASK) | PRIVATE_UMASK);
  } catch {
    // Worker threads cannot set the umask; the chmods above and after open still apply.
  }
}
