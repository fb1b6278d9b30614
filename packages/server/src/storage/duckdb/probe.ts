import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction } from './transaction.js';

/**
 * The write that tells whether the store takes writes (again): one committed transaction, so the
 * WAL is written and synced as for an event commit, on a one-row table of its own.
 */
export async function probeWrite(conn: DuckDBConnection): Promise<void> {
  await conn.run('CREATE TABLE IF NOT EXISTS storage_probe (probed_at BIGINT NOT NULL)');
  await inTransaction(conn, async () => {
    await conn.run('DELETE FROM storage_probe');
    await conn.run('INSERT INTO storage_probe VALUES ($1)', [BigInt(Date.now())]);
  });
}
