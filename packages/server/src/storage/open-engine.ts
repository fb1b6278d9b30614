import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SightlineConfig } from '../config.js';
import { openClickHouseEngine } from './clickhouse/index.js';
import { openDuckDbEngine } from './duckdb/index.js';
import type { StorageEngine } from './engine.js';

export const DUCKDB_FILE = 'sightline.duckdb';

/** The one place that chooses an engine (DESIGN §2). */
export async function openEngine(
  config: Pick<SightlineConfig, 'dataDir' | 'duckdbMemoryLimit'> &
    Partial<
      Pick<
        SightlineConfig,
        'engine' | 'clickhouseUrl' | 'clickhouseCluster' | 'clickhouseDatabase' | 'nodeId'
      >
    >,
): Promise<StorageEngine> {
  await mkdir(config.dataDir, { recursive: true });
  if (config.engine === 'clickhouse') {
    if (!config.clickhouseUrl) throw new Error('the clickhouse engine needs a URL (--clickhouse-url)');
    return openClickHouseEngine({
      connection: { url: config.clickhouseUrl },
      ...(config.clickhouseDatabase ? { database: config.clickhouseDatabase } : {}),
      ...(config.clickhouseCluster ? { cluster: config.clickhouseCluster } : {}),
      ...(config.nodeId !== undefined ? { node: config.nodeId } : {}),
    });
  }
  const path = join(config.dataDir, DUCKDB_FILE);
  try {
    return await openDuckDbEngine({ path, memoryLimit: config.duckdbMemoryLimit });
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
