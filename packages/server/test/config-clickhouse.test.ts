import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';

describe('--engine clickhouse configuration', () => {
  it('takes the URL and cluster from flags before env', () => {
    const config = resolveConfig(
      { engine: 'clickhouse', clickhouseUrl: 'http://flag:8123', clickhouseCluster: 'c1' },
      {
        SIGHTLINE_CLICKHOUSE_URL: 'http://env:8123',
        SIGHTLINE_CLICKHOUSE_CLUSTER: 'c2',
        SIGHTLINE_NODE_ID: '3',
      },
    );
    expect(config).toMatchObject({
      engine: 'clickhouse',
      clickhouseUrl: 'http://flag:8123',
      clickhouseCluster: 'c1',
      nodeId: 3,
    });
  });

  it('reads SIGHTLINE_ENGINE / SIGHTLINE_CLICKHOUSE_* when no flag is given', () => {
    const config = resolveConfig(
      {},
      {
        SIGHTLINE_ENGINE: 'clickhouse',
        SIGHTLINE_CLICKHOUSE_URL: 'http://env:8123',
        SIGHTLINE_CLICKHOUSE_DATABASE: 'analytics',
      },
    );
    expect(config).toMatchObject({ clickhouseUrl: 'http://env:8123', clickhouseDatabase: 'analytics' });
    expect(config.clickhouseCluster).toBeUndefined();
  });

  it('refuses a clickhouse engine without a URL, and a bad node id', () => {
    expect(() => resolveConfig({ engine: 'clickhouse' }, {})).toThrow(/--clickhouse-url/);
    expect(() =>
      resolveConfig({ engine: 'clickhouse', clickhouseUrl: 'http://x' }, { SIGHTLINE_NODE_ID: '1024' }),
    ).toThrow(/0-1023/);
    expect(() => resolveConfig({ engine: 'sqlite' }, {})).toThrow(/duckdb, clickhouse/);
  });
});
