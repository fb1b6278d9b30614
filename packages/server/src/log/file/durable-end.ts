import type { LogOffset } from '../event-log.js';

/** Atomics.waitAsync (Node ≥ 16), missing from the ES2023 library types this package compiles with. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: BigInt64Array,
      index: number,
      value: bigint,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/**
 * How far the log is durable (the offset the next append gets), in a SharedArrayBuffer: the
 * appending thread sets it after each sync; readers on the same thread wait on a list, readers on
 * a worker thread (given `shared`) wait with Atomics.waitAsync. Readers never read at or past it,
 * so they never see a record that is not acknowledged (or could still be torn).
 */
export class DurableEnd {
  readonly shared: SharedArrayBuffer;
  private readonly cell: BigInt64Array;
  private waiters: Array<{ past: LogOffset; wake: () => void }> = [];

  constructor(shared?: SharedArrayBuffer) {
    this.shared = shared ?? new SharedArrayBuffer(8);
    this.cell = new BigInt64Array(this.shared);
  }

  get(): LogOffset {
    return Number(Atomics.load(this.cell, 0));
  }

  set(end: LogOffset): void {
    Atomics.store(this.cell, 0, BigInt(end));
    Atomics.notify(this.cell, 0);
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (end > waiter.past) waiter.wake();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  /** Resolves once the end is past `offset`, on the appending thread; rejects when `signal` aborts. */
  waitPast(offset: LogOffset, signal?: AbortSignal): Promise<void> {
    if (this.get() > offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        past: offset,
        wake: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
      };
      const abort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(signal?.reason);
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** The same from another thread (the appending thread's list is not shared): Atomics.waitAsync. */
  async waitPastShared(offset: LogOffset, signal?: AbortSignal): Promise<void> {
    /** Each wait is bounded so an abort is noticed within it (a pending waitAsync cannot be cancelled). */
    const SLICE_MS = 250;
    for (;;) {
      signal?.throwIfAborted();
      const seen = Atomics.load(this.cell, 0);
      if (Number(seen) > offset) return;
      const wait = waitAsync(this.cell, 0, seen, SLICE_MS);
      if (!wait.async) continue;
      // A pending waitAsync does not keep a thread's event loop alive: a timer does, for as long.
      let keepAlive: NodeJS.Timeout | undefined;
      await Promise.race([
        wait.value,
        new Promise((resolve) => {
          keepAlive = setTimeout(resolve, SLICE_MS);
        }),
      ]);
      clearTimeout(keepAlive);
    }
  }
}
