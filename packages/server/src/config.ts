import { resolve } from 'node:path';
import { type ClusterConfig, type ClusterFlags, clusterConfig } from './cluster/cluster-config.js';
import { demoEnabled } from './demo/switch.js';

export interface SightlineConfig {
  port: number;
  host: string;
  dataDir: string;
  engine: 'duckdb' | 'clickhouse';
  /** --engine clickhouse: the server, e.g. http://127.0.0.1:8123 (user:password@ may be in it). */
  clickhouseUrl?: string;
  /** A remote_servers cluster name: events go to a Distributed table over its shards. */
  clickhouseCluster?: string;
  /** Sightline's ClickHouse database (env SIGHTLINE_CLICKHOUSE_DATABASE, default sightline). */
  clickhouseDatabase?: string;
  /** This node's id 0..1023 when several Sightline nodes share one ClickHouse (env SIGHTLINE_NODE_ID). */
  nodeId?: number;
  /** Fixed keys for the default project (else generated once and kept in the data dir). */
  publicKey?: string;
  secretKey?: string;
  /**
   * DuckDB memory_limit, e.g. '1GB'. With 1 GB the query benchmark's process held 978 MiB after
   * every query at 10 M events. 512 MB held 705 MiB, but rebuilding the rollup from scratch (the
   * 1 M data set, at open) then ran out of memory: lower it only once that fits.
   */
  duckdbMemoryLimit: string;
  /** Percent of sessions held out from interventions (env SIGHTLINE_HOLDOUT_PERCENT, default 10). */
  holdoutPercent?: number;
  /** Serve the demo app and its API under /demo/ (--demo, env SIGHTLINE_DEMO; default off). */
  demo: boolean;
  /** `--log nats`: several nodes share the event log on NATS JetStream (cluster/cluster-config.ts). */
  cluster?: ClusterConfig;
}

export interface StartFlags extends ClusterFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  engine?: string;
  clickhouseUrl?: string;
  clickhouseCluster?: string;
  /** `--demo` (true) / `--no-demo` (false). */
  demo?: boolean;
}

export const DEFAULTS = {
  port: 8787,
  host: '127.0.0.1',
  dataDir: './.sightline',
  duckdbMemoryLimit: '1GB',
} as const;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port "${value}"`);
  return port;
}

/** Flags win over SIGHTLINE_* environment variables, which win over defaults (README.md, docs/SCALING.md). */
export function resolveConfig(flags: StartFlags, env: NodeJS.ProcessEnv = process.env): SightlineConfig {
  const engine = flags.engine ?? env['SIGHTLINE_ENGINE'] ?? 'duckdb';
  if (engine !== 'duckdb' && engine !== 'clickhouse')
    throw new Error(`unknown engine "${engine}"; this build has: duckdb, clickhouse`);
  const config: SightlineConfig = {
    port: parsePort(flags.port ?? env['SIGHTLINE_PORT'] ?? String(DEFAULTS.port)),
    host: flags.host ?? env['SIGHTLINE_HOST'] ?? DEFAULTS.host,
    dataDir: resolve(flags.dataDir ?? env['SIGHTLINE_DATA_DIR'] ?? DEFAULTS.dataDir),
    engine,
    duckdbMemoryLimit: env['SIGHTLINE_DUCKDB_MEMORY_LIMIT'] ?? DEFAULTS.duckdbMemoryLimit,
    demo: demoEnabled(flags.demo, env),
  };
  if (engine === 'clickhouse') Object.assign(config, clickhouseConfig(flags, env));
  const cluster = clusterConfig(flags, env, engine);
  if (cluster) {
    config.cluster = cluster;
    config.nodeId = cluster.nodeId;
  }
  if (env['SIGHTLINE_PUBLIC_KEY']) config.publicKey = env['SIGHTLINE_PUBLIC_KEY'];
  if (env['SIGHTLINE_SECRET_KEY']) config.secretKey = env['SIGHTLINE_SECRET_KEY'];
  const holdout = env['SIGHTLINE_HOLDOUT_PERCENT'];
  if (holdout !== undefined && holdout !== '') {
    const percent = Number(holdout);
    if (!Number.isFinite(percent) || percent < 0 || percent > 100)
      throw new Error(`SIGHTLINE_HOLDOUT_PERCENT must be 0-100, got "${holdout}"`);
    config.holdoutPercent = percent;
  }
  return config;
}

/** The ClickHouse settings of `--engine clickhouse` (flags win over SIGHTLINE_CLICKHOUSE_* env). */
function clickhouseConfig(flags: StartFlags, env: NodeJS.ProcessEnv): Partial<SightlineConfig> {
  const url = flags.clickhouseUrl ?? env['SIGHTLINE_CLICKHOUSE_URL'];
  if (!url) throw new Error('--engine clickhouse needs --clickhouse-url (or SIGHTLINE_CLICKHOUSE_URL)');
  const out: Partial<SightlineConfig> = { clickhouseUrl: url };
  const cluster = flags.clickhouseCluster ?? env['SIGHTLINE_CLICKHOUSE_CLUSTER'];
  if (cluster) out.clickhouseCluster = cluster;
  if (env['SIGHTLINE_CLICKHOUSE_DATABASE']) out.clickhouseDatabase = env['SIGHTLINE_CLICKHOUSE_DATABASE'];
  const node = env['SIGHTLINE_NODE_ID'];
  if (node !== undefined && node !== '') {
    const id = Number(node);
    if (!Number.isInteger(id) || id < 0 || id > 1023)
      throw new Error(`SIGHTLINE_NODE_ID must be 0-1023, got "${node}"`);
    out.nodeId = id;
  }
  return out;
}
