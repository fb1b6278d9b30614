import type { TestProject } from 'vitest/node';
import { ensureChdb } from './chdb-cache.js';
import {
  clickhouseInstalled,
  MISSING_CLICKHOUSE,
  type RunningClickHouse,
  startClickHouse,
} from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's clickhouse-server, or the reason there is none (tests that need it fail with it). */
    clickhouse: { url: string } | { error: string };
    /** Folder `require('chdb')` resolves from, or why it could not be installed. */
    chdb: { from: string } | { error: string };
  }
}

/**
 * One clickhouse-server for the whole vitest run (each engine instance takes its own database),
 * and chDB fetched into its cache folder. Failures are handed to the tests that need them, so
 * the rest of the suite still runs and the ClickHouse tests fail with the reason (never skip).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: RunningClickHouse | null = null;
  if (!clickhouseInstalled()) project.provide('clickhouse', { error: MISSING_CLICKHOUSE });
  else {
    try {
      server = await startClickHouse();
      project.provide('clickhouse', { url: server.url });
    } catch (error) {
      project.provide('clickhouse', { error: (error as Error).message });
    }
  }
  try {
    project.provide('chdb', { from: ensureChdb() });
  } catch (error) {
    project.provide('chdb', {
      error: `installing chdb into node_modules/.cache failed: ${(error as Error).message}`,
    });
  }
  return async () => {
    await server?.stop();
  };
}
