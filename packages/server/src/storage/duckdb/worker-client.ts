import type { Worker } from 'node:worker_threads';
import type { DuckDBValue } from '@duckdb/node-api';
import { moduleWorker } from '../../util/module-worker.js';
import type { QueryRow } from '../engine.js';
import type { WorkerArgs, WorkerOp, WorkerRequest, WorkerResponse, WorkerResult } from './worker-ops.js';

/** Raised when the database thread is gone or refused a call. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
}

/** The database thread ended (crashed, ran out of memory, or was terminated). */
export class WorkerGoneError extends StorageError {}

/** How the engine watches and gates the calls of one worker (its health: storage/engine-health.ts). */
export interface WorkerHooks {
  /** Asked before each call is sent; an error refuses it at once. */
  admit?(op: WorkerOp): Error | null;
  /** Each call the worker answered with an error. */
  onCallFailed?(error: StorageError, op: WorkerOp): void;
  /** The thread ended without being asked to close. */
  onGone?(error: WorkerGoneError): void;
}

/** Calls into the database worker as promises (started by util/module-worker.ts). */
export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { op: WorkerOp; resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private exited: Error | null = null;
  private closing = false;

  private constructor(
    private readonly worker: Worker,
    private readonly hooks: WorkerHooks,
  ) {
    worker.on('message', (msg: WorkerResponse) => {
      if ('ready' in msg) return;
      if ('loaderFailed' in msg) {
        // Judged like a failed event insert: a storage failure makes the store unusable and recovers it.
        this.hooks.onCallFailed?.(new StorageError(msg.loaderFailed.message), 'insertEvents');
        return;
      }
      const call = this.pending.get(msg.id);
      if (!call) return;
      this.pending.delete(msg.id);
      if (msg.ok) call.resolve(msg.value);
      else {
        const error = new StorageError(msg.error.message);
        this.hooks.onCallFailed?.(error, call.op);
        call.reject(error);
      }
    });
    worker.on('exit', (code) => this.fail(new WorkerGoneError(`database worker exited (code ${code})`)));
    worker.on('error', (error) => this.fail(new WorkerGoneError(`database worker failed: ${error.message}`)));
  }

  static async start(moduleUrl: string, workerData: unknown, hooks: WorkerHooks = {}): Promise<WorkerClient> {
    const worker = moduleWorker(moduleUrl, 'worker', workerData);
    const opened = new Promise<void>((resolve, reject) => {
      const onMessage = (msg: WorkerResponse) => {
        if (msg.id !== 0) return;
        worker.off('message', onMessage);
        if ('ready' in msg && msg.ready) resolve();
        else
          reject(
            new StorageError(`cannot open the database: ${'error' in msg ? msg.error.message : 'unknown'}`),
          );
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new StorageError(`database worker exited (code ${code})`)));
    });
    // A thread that could not open the database must not linger (recovery starts many).
    await opened.catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new WorkerClient(worker, hooks);
  }

  /** The thread has ended: every call fails. */
  get gone(): boolean {
    return this.exited !== null;
  }

  /** Sends one op (worker-ops.ts) with its arguments; resolves with its result. */
  call<K extends WorkerOp>(op: K, ...args: WorkerArgs<K>): Promise<WorkerResult<K>> {
    const refused = this.hooks.admit?.(op);
    if (refused) return Promise.reject(refused);
    if (this.exited) return Promise.reject(this.exited);
    if (op === 'close') this.closing = true;
    const id = this.nextId++;
    return new Promise<WorkerResult<K>>((resolve, reject) => {
      this.pending.set(id, { op, resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, args } as WorkerRequest);
    });
  }

  /**
   * A query the caller may cancel: aborting `signal` sends `interrupt` for this call, and the
   * promise settles once the worker stopped the work (rejecting), so callers that wait for it know
   * the engine is free again. Aborted before it starts: rejects at once, nothing is sent.
   */
  query(signal: AbortSignal | undefined, text: string, values: DuckDBValue[]): Promise<QueryRow[]> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    // The id call() is about to give this request: the worker knows the read by it.
    const id = this.nextId;
    const result = this.call('query', text, values, id);
    // Refused before it was sent (thread gone, store unusable), or nothing can cancel it.
    if (!signal || !this.pending.has(id)) return result;
    const interrupt = () => {
      if (this.pending.has(id)) void this.call('interrupt', id).catch(() => undefined);
    };
    signal.addEventListener('abort', interrupt, { once: true });
    const stopListening = () => signal.removeEventListener('abort', interrupt);
    result.then(stopListening, stopListening);
    return result;
  }

  async terminate(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  /** Ends the thread as a crash would: unlike terminate(), `onGone` hears of it. */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(error: WorkerGoneError): void {
    if (!this.exited && !this.closing) this.hooks.onGone?.(error);
    this.exited ??= error;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}
