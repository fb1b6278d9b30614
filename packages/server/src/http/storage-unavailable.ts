import { ApiError } from '../errors.js';
import type { StorageEngine } from '../storage/engine.js';

/**
 * Retry-After (seconds) while the store is unusable. Recovery tries again after 1 s, then backs off
 * (storage/engine-health.ts); a few seconds spreads the clients' retries without keeping them
 * away long once it is back.
 */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

/**
 * Whatever route met it, a failure of the store itself (the engine's classifyError says `storage`,
 * or the group committer already said `storage_unavailable`) answers 503 `storage_unavailable`
 * with Retry-After; any other error passes unchanged.
 */
export function asStorageUnavailable(engine: StorageEngine, error: unknown): unknown {
  if (error instanceof ApiError)
    return error.code === 'storage_unavailable' ? storageUnavailable(error.message) : error;
  if (engine.classifyError(error) !== 'storage') return error;
  const reason = engine.health().reason ?? 'storage failure';
  return storageUnavailable(`storage is unavailable (${reason}); retry shortly`);
}

/** 503 `storage_unavailable` with the Retry-After every such refusal carries. */
export function storageUnavailable(message: string): ApiError {
  return new ApiError('storage_unavailable', message, { retryAfterS: STORAGE_RETRY_AFTER_SECONDS });
}
