import { resolve } from 'node:path';

export interface SightlineConfig {
  port: number;
  host: string;
  dataDir: string;
  engine: 'duckdb';
  /** Fixed keys for the default project (else generated once and kept in the data dir). */
  publicKey?: string;
  secretKey?: string;
  /** DuckDB memory_limit, e.g. '1GB'. */
  duckdbMemoryLimit: string;
  /** Percent of sessions held out from interventions (env SIGHTLINE_HOLDOUT_PERCENT, default 10). */
  holdoutPercent?: number;
}

export interface StartFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  engine?: string;
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

/** Flags win over SIGHTLINE_* environment variables, which win over defaults (DESIGN §5). */
export function resolveConfig(flags: StartFlags, env: NodeJS.ProcessEnv = process.env): SightlineConfig {
  const engine = flags.engine ?? env['SIGHTLINE_ENGINE'] ?? 'duckdb';
  if (engine !== 'duckdb') throw new Error(`unknown engine "${engine}"; this build has: duckdb`);
  const config: SightlineConfig = {
    port: parsePort(flags.port ?? env['SIGHTLINE_PORT'] ?? String(DEFAULTS.port)),
    host: flags.host ?? env['SIGHTLINE_HOST'] ?? DEFAULTS.host,
    dataDir: resolve(flags.dataDir ?? env['SIGHTLINE_DATA_DIR'] ?? DEFAULTS.dataDir),
    engine,
    duckdbMemoryLimit: env['SIGHTLINE_DUCKDB_MEMORY_LIMIT'] ?? DEFAULTS.duckdbMemoryLimit,
  };
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
