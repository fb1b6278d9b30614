import { definedOnly, positiveIntegerFromEnv } from '../env.js';
import type { EngineHealth } from './engine.js';

/** How a broken store is retried until it works again. */
export interface RecoveryOptions {
  /** Wait before the second attempt (the first is immediate); it doubles after each failed one. */
  initialDelayMs: number;
  /** The wait stops doubling here. */
  maxDelayMs: number;
  /** A probe (DuckDB's test write, ClickHouse's ping) taking longer than this counts as failed. */
  probeTimeoutMs: number;
  /**
   * DuckDB: free space its data folder's disk must have before a broken store counts as usable
   * again. A failed commit gives its partial WAL write back, so a tiny probe write fits right
   * after a disk filled up, and the next real commit would fail again.
   */
  minFreeBytes: number;
}

export const DEFAULT_RECOVERY: RecoveryOptions = {
  // The immediate attempt covers a blip; one second later is soon enough for clients that retry
  // every few seconds (capture answers Retry-After: 5).
  initialDelayMs: 1_000,
  // Reopening DuckDB reloads every stored fingerprint (seconds on a large store): during a long
  // outage (a disk full for hours) trying more often than this would only burn CPU, and once the
  // cause is gone the store is back within this long.
  maxDelayMs: 30_000,
  // A probe is one tiny write or `SELECT 1`: ten seconds means it is stuck, not slow.
  probeTimeoutMs: 10_000,
  // Room for the largest group commit (50,000 events: about 15 MB of WAL) and the new blocks of a
  // checkpoint, several times over.
  minFreeBytes: 64 * 1024 * 1024,
};

/**
 * Operator settings: SIGHTLINE_STORAGE_RETRY_MS (first retry), SIGHTLINE_STORAGE_RETRY_MAX_MS and
 * SIGHTLINE_STORAGE_MIN_FREE_MB (DuckDB: free disk space needed to recover).
 */
export function storageRecoveryFromEnv(env: NodeJS.ProcessEnv): Partial<RecoveryOptions> {
  const minFreeMb = positiveIntegerFromEnv(env, 'SIGHTLINE_STORAGE_MIN_FREE_MB');
  return definedOnly<Omit<RecoveryOptions, 'probeTimeoutMs'>>({
    initialDelayMs: positiveIntegerFromEnv(env, 'SIGHTLINE_STORAGE_RETRY_MS'),
    maxDelayMs: positiveIntegerFromEnv(env, 'SIGHTLINE_STORAGE_RETRY_MAX_MS'),
    minFreeBytes: minFreeMb === undefined ? undefined : minFreeMb * 1024 * 1024,
  });
}

/** What every call gets, at once, while the store is unusable. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

/** The messages of an error and of its causes, for the engines' classifiers. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join('\n');
}

/** Rejects after `ms` unless the work settles first. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An engine's health: usable until a call fails over the store itself (the engine calls `fail`);
 * then every call fails fast with StorageUnavailableError while `attempt` (a probe, or a reopen
 * and a probe) runs now, then with a doubling wait, until one succeeds. Attempts never overlap.
 */
export class HealthMonitor {
  private state: EngineHealth = { ok: true };
  private attempting: Promise<boolean> | null = null;
  private retrying: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private closed = false;
  private readonly options: RecoveryOptions;

  constructor(
    private readonly engineName: string,
    /** Makes the store usable, or throws. */
    private readonly attempt: () => Promise<void>,
    options: Partial<RecoveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_RECOVERY, ...options };
  }

  get ok(): boolean {
    return this.state.ok;
  }

  get probeTimeoutMs(): number {
    return this.options.probeTimeoutMs;
  }

  get minFreeBytes(): number {
    return this.options.minFreeBytes;
  }

  health(): EngineHealth {
    return { ...this.state };
  }

  unavailable(): StorageUnavailableError {
    return new StorageUnavailableError(`storage unavailable: ${this.state.reason ?? 'recovering'}`);
  }

  /** The store failed (`reason`: a few public words; `error`: the full story, for the log). */
  fail(reason: string, error: unknown): void {
    if (this.closed) return;
    if (this.state.ok) {
      this.state = { ok: false, reason, since: Date.now() };
      console.error(`[sightline] storage (${this.engineName}) unavailable, recovering: ${errorText(error)}`);
    }
    this.keepRetrying();
  }

  /** One attempt now, or the one under way; true once the store is usable. */
  recover(): Promise<boolean> {
    if (this.state.ok) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    this.attempting ??= this.runAttempt().finally(() => {
      this.attempting = null;
    });
    return this.attempting;
  }

  /** Stops retrying; resolves once an attempt under way has finished. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp?.();
    await this.attempting;
  }

  private keepRetrying(): void {
    if (this.retrying || this.closed || this.state.ok) return;
    this.retrying = this.retryUntilUsable().finally(() => {
      this.retrying = null;
      // A failure reported while the loop was ending (it had just seen the store usable).
      this.keepRetrying();
    });
  }

  private async retryUntilUsable(): Promise<void> {
    let delay = 0;
    while (!this.closed && !this.state.ok) {
      if (delay > 0) await this.sleep(delay);
      if (this.closed || (await this.recover())) return;
      delay = Math.min(Math.max(delay * 2, this.options.initialDelayMs), this.options.maxDelayMs);
    }
  }

  private async runAttempt(): Promise<boolean> {
    try {
      await this.attempt();
    } catch (error) {
      console.error(`[sightline] storage (${this.engineName}) still unavailable: ${errorText(error)}`);
      return false;
    }
    if (this.closed) return false;
    const down = Date.now() - (this.state.since ?? Date.now());
    console.error(`[sightline] storage (${this.engineName}) usable again after ${down} ms`);
    this.state = { ok: true };
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
