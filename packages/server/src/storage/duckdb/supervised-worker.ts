import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HealthMonitor, type RecoveryOptions, withTimeout } from '../engine-health.js';
import type { LogLoaderArgs } from '../log-loading.js';
import {
  classifyStorageError,
  DISK_FULL,
  isOutOfMemory,
  needsReopen,
  storageFailureReason,
} from './errors.js';
import type { DuckDbOptions } from './store.js';
import { WorkerClient } from './worker-client.js';
import type { WorkerOp } from './worker-ops.js';

/** Calls that only read: running out of memory there is that read's excess, not the store failing. */
const READ_OPS: ReadonlySet<WorkerOp> = new Set<WorkerOp>([
  'readEventsAfter',
  'eventFingerprints',
  'countEvents',
  'exportOpen',
  'exportNext',
  'query',
  'listProjects',
  'loadProcessorState',
  'pendingInterventions',
  'listInterventionRules',
  'listWebhooks',
  'listProjectSettings',
  'listShareKeys',
  'findSignInSession',
]);

/** Let through while the store is unusable: recovery's own probe, and calls that only release things. */
const ALWAYS_ADMITTED: ReadonlySet<WorkerOp> = new Set<WorkerOp>([
  'probeWrite',
  'startLogLoader',
  'close',
  'exportClose',
  'interrupt',
]);

/**
 * How long a broken database may take to close before its thread is ended anyway. Closing waits
 * for reads under way (store.ts), and DuckDB fails them at once once it invalidated itself.
 */
const CLOSE_BROKEN_TIMEOUT_MS = 10_000;

/**
 * The database thread, kept usable. Every failed call is judged (errors.ts): a storage failure, or
 * the thread ending, makes the store unusable, and while it is every call is refused at once
 * (StorageUnavailableError) and recovery runs (HealthMonitor): a probe write where the database
 * still works (a disk that was full: DuckDB gave the failed commit back), or a new thread on the
 * same file where DuckDB invalidated the database or the thread died. Opening it again replays the
 * WAL, which every acknowledged commit was synced to, and reloads the fingerprints and seq from
 * the file, so nothing acknowledged is lost and nothing is stored twice. The session rollup timer
 * lives in the thread and starts again with it.
 */
export class SupervisedWorker {
  readonly monitor: HealthMonitor;
  private current: WorkerClient | null = null;
  /** Which thread is current: the failures and exit of one replaced since are not news. */
  private generation = 0;
  private closed = false;
  /** The event log loader this store runs: started again on every new thread. */
  private loader: LogLoaderArgs | null = null;

  private constructor(
    private readonly moduleUrl: string,
    private readonly options: DuckDbOptions,
    recovery: Partial<RecoveryOptions>,
  ) {
    this.monitor = new HealthMonitor('duckdb', () => this.recover(), recovery);
  }

  /** Starts the thread; fails if the database cannot be opened now (the server does not start). */
  static async start(
    moduleUrl: string,
    options: DuckDbOptions,
    recovery: Partial<RecoveryOptions> = {},
  ): Promise<SupervisedWorker> {
    const supervised = new SupervisedWorker(moduleUrl, options, recovery);
    supervised.current = await supervised.spawn();
    return supervised;
  }

  /** The current thread's client (a stale one, refusing calls, while it is being replaced). */
  get client(): WorkerClient {
    if (!this.current) throw new Error('the database thread was never started');
    return this.current;
  }

  /** Starts the event log loader on this thread and on every thread that replaces it. */
  async startLogLoader(args: LogLoaderArgs): Promise<void> {
    this.loader = args;
    await this.client.call('startLogLoader', args);
  }

  /** Ends the thread as a crash would (recovery drills, tests; only while idle: see DuckDbStorageEngine). */
  kill(): Promise<void> {
    return this.client.kill();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.monitor.close();
    const client = this.client;
    try {
      if (!client.gone) await client.call('close');
    } finally {
      await client.terminate();
    }
  }

  private spawn(): Promise<WorkerClient> {
    const generation = ++this.generation;
    const isCurrent = () => generation === this.generation && !this.closed;
    return WorkerClient.start(this.moduleUrl, this.options, {
      admit: (op) => (this.monitor.ok || ALWAYS_ADMITTED.has(op) ? null : this.monitor.unavailable()),
      onCallFailed: (error, op) => {
        if (!isCurrent() || classifyStorageError(error) !== 'storage') return;
        if (READ_OPS.has(op) && isOutOfMemory(error)) return;
        this.monitor.fail(storageFailureReason(error), error);
      },
      onGone: (error) => {
        if (isCurrent()) this.monitor.fail(storageFailureReason(error), error);
      },
    });
  }

  /** One recovery attempt: usable again when it resolves. */
  private async recover(): Promise<void> {
    if (this.monitor.health().reason === DISK_FULL) await this.assertRoomToWrite();
    if (this.client.gone) await this.reopen();
    try {
      await this.probe();
    } catch (error) {
      if (!needsReopen(error)) throw error;
      await this.reopen();
      await this.probe();
    }
  }

  /**
   * A disk that just filled up has room for a probe write (the failed commit gave its partial WAL
   * write back), not for the next commits: wait for real room (only then: a small disk that never
   * had that much free still recovers from other failures).
   */
  private async assertRoomToWrite(): Promise<void> {
    if (this.options.path === ':memory:') return;
    const disk = await statfs(dirname(this.options.path));
    const free = disk.bavail * disk.bsize;
    if (free < this.monitor.minFreeBytes)
      throw new Error(
        `${free} bytes free on the data folder's disk, below the ${this.monitor.minFreeBytes} needed`,
      );
  }

  private probe(): Promise<void> {
    return withTimeout(this.client.call('probeWrite'), this.monitor.probeTimeoutMs, 'the probe write');
  }

  /**
   * Closes what is left of the database and opens it on a new thread. The old thread is closed
   * first (an invalidated DuckDB fails its calls at once, so it closes quickly): ending a thread
   * under a running DuckDB call aborts the process, so terminate() is only the last resort.
   */
  private async reopen(): Promise<void> {
    const old = this.client;
    if (!old.gone) {
      await withTimeout(old.call('close'), CLOSE_BROKEN_TIMEOUT_MS, 'closing the broken database').catch(
        () => undefined,
      );
    }
    await old.terminate();
    this.current = await this.spawn();
    if (this.loader) await this.current.call('startLogLoader', this.loader);
  }
}
