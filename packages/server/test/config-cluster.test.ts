import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';

const CLICKHOUSE = { engine: 'clickhouse', clickhouseUrl: 'http://127.0.0.1:8123' };

describe('--log nats configuration', () => {
  it('is off unless asked for: the file log beside the engine', () => {
    expect(resolveConfig(CLICKHOUSE, {}).cluster).toBeUndefined();
    expect(resolveConfig(CLICKHOUSE, { SIGHTLINE_LOG: 'file' }).cluster).toBeUndefined();
  });

  it('takes flags before SIGHTLINE_* env, and the node id becomes the ClickHouse node id', () => {
    const config = resolveConfig(
      {
        ...CLICKHOUSE,
        log: 'nats',
        natsUrl: 'nats://a:4222, nats://b:4222',
        logPartitions: '8',
        nodeId: '2',
      },
      {
        SIGHTLINE_NATS_URL: 'nats://env:4222',
        SIGHTLINE_LOG_PARTITIONS: '32',
        SIGHTLINE_LOG_REPLICAS: '1',
        SIGHTLINE_NODE_ID: '5',
        SIGHTLINE_LEASE_MS: '4000',
      },
    );
    expect(config.cluster).toEqual({
      natsServers: ['nats://a:4222', 'nats://b:4222'],
      partitions: 8,
      replicas: 1,
      leaseMs: 4000,
      prefix: 'sightline',
      nodeId: 2,
    });
    expect(config.nodeId).toBe(2);
  });

  it('says what is missing or wrong', () => {
    const env = { SIGHTLINE_NATS_URL: 'nats://x:4222', SIGHTLINE_NODE_ID: '1' };
    expect(() => resolveConfig({ log: 'nats' }, env)).toThrow(/needs --engine clickhouse/);
    expect(() => resolveConfig({ ...CLICKHOUSE, log: 'kafka' }, env)).toThrow(/file, nats/);
    expect(() => resolveConfig({ ...CLICKHOUSE, log: 'nats' }, { SIGHTLINE_NODE_ID: '1' })).toThrow(
      /--nats-url/,
    );
    expect(() => resolveConfig({ ...CLICKHOUSE, log: 'nats' }, { SIGHTLINE_NATS_URL: 'nats://x' })).toThrow(
      /--node-id/,
    );
    // Partitions keep their state under the top node ids: node ids stay below them.
    expect(() => resolveConfig({ ...CLICKHOUSE, log: 'nats', nodeId: '800' }, env)).toThrow(/0-767/);
    expect(() => resolveConfig({ ...CLICKHOUSE, log: 'nats', logPartitions: '300' }, env)).toThrow(/1-256/);
    expect(() => resolveConfig({ ...CLICKHOUSE, log: 'nats', logPartitions: '0' }, env)).toThrow(
      /positive integer/,
    );
    expect(() =>
      resolveConfig({ ...CLICKHOUSE, log: 'nats' }, { ...env, SIGHTLINE_LOG_STREAM: 'a.b' }),
    ).toThrow(/SIGHTLINE_LOG_STREAM/);
  });
});
