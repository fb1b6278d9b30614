import { Worker } from 'node:worker_threads';
import type { WorkerOp, WorkerRequest, WorkerResponse } from './worker.js';

/** Raised when the database thread is gone or refused a call. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
}

/**
 * Calls into the database worker as promises. From the TypeScript sources (tests) the worker
 * is started through tsx; from the build it is plain JS.
 */
export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: WorkerResponse) => {
      if ('ready' in msg) return;
      const call = this.pending.get(msg.id);
      if (!call) return;
      this.pending.delete(msg.id);
      if (msg.ok) call.resolve(msg.value);
      else call.reject(new StorageError(msg.error.message));
    });
    worker.on('exit', (code) => this.fail(new StorageError(`database worker exited (code ${code})`)));
    worker.on('error', (error) => this.fail(new StorageError(`database worker failed: ${error.message}`)));
  }

  static async start(moduleUrl: string, workerData: unknown): Promise<WorkerClient> {
    const fromSource = moduleUrl.endsWith('.ts');
    const worker = fromSource
      ? // Tests import the TypeScript sources: let tsx load the worker too.
        new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker.ts', moduleUrl).href)}); })`,
          { eval: true, workerData },
        )
      : new Worker(new URL('./worker.js', moduleUrl), { workerData });
    await new Promise<void>((resolve, reject) => {
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
    return new WorkerClient(worker);
  }

  call<T>(op: WorkerOp, ...args: unknown[]): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, args } satisfies WorkerRequest);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}
