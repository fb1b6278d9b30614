import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Runs `work` in one transaction on `conn`: committed when it resolves, rolled back when it (or
 * the commit) throws, and the error passed on. A failed rollback is not reported over the
 * original error (after a fatal error DuckDB refuses the rollback too).
 */
export async function inTransaction<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const value = await work();
    await conn.run('COMMIT');
    return value;
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
