/**
 * Runs work one piece at a time, in the order it was queued: each starts once the previous one
 * has finished, whether it succeeded or failed. One failure is its caller's to handle and never
 * blocks what was queued after it. Used wherever a connection, a file or a read-modify-write
 * must not be entered twice at once.
 */
export class SerialQueue {
  /** Settles when the last queued work has; never rejects, so the next one always runs. */
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `work`; the returned promise settles with it (a thrown error included). */
  run<T>(work: () => T | PromiseLike<T>): Promise<T> {
    const run = this.tail.then(() => work());
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once everything queued so far has finished (failures included); never rejects. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
