import { HealthMonitor, type RecoveryOptions, withTimeout } from '../engine-health.js';
import { classifyStorageError, isOutOfMemory, storageFailureReason } from './errors.js';
import type { ClickHouseTransport } from './transport.js';

/**
 * A transport that keeps the engine's health: a statement that fails over the server (out of
 * reach, out of disk…: errors.ts) makes the store unusable; while it is, every statement is
 * refused at once (StorageUnavailableError) and the bare transport is pinged (`SELECT 1`) with a
 * doubling wait until the server answers again. Everything the engine runs goes through it.
 */
export function guardTransport(
  transport: ClickHouseTransport,
  engineName: string,
  recovery: Partial<RecoveryOptions> = {},
): { transport: ClickHouseTransport; monitor: HealthMonitor } {
  const monitor: HealthMonitor = new HealthMonitor(
    engineName,
    async () => {
      await withTimeout(transport.query('SELECT 1'), monitor.probeTimeoutMs, 'the ping');
    },
    recovery,
  );
  const guarded = async <T>(reads: boolean, run: () => Promise<T>): Promise<T> => {
    if (!monitor.ok) throw monitor.unavailable();
    try {
      return await run();
    } catch (error) {
      // A read over the memory limit asked too much of it; the server still works for the others.
      if (classifyStorageError(error) === 'storage' && !(reads && isOutOfMemory(error)))
        monitor.fail(storageFailureReason(error), error);
      throw error;
    }
  };
  return {
    monitor,
    transport: {
      query: (...args) => guarded(true, () => transport.query(...args)),
      command: (...args) => guarded(false, () => transport.command(...args)),
      insert: (...args) => guarded(false, () => transport.insert(...args)),
      close: async () => {
        await monitor.close();
        await transport.close();
      },
    },
  };
}
