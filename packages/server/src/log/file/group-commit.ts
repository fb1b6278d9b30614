import type { AppendResult, LogOffset } from '../event-log.js';
import type { FramedRecords } from './frame.js';

interface PendingAppend {
  framed: FramedRecords;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: an append that arrives while no write is running starts one at once; appends
 * that arrive while a write and its sync run wait and go together in the next one. So one
 * fdatasync serves every append of a group, and under load the group grows to whatever arrived
 * during the previous sync. Groups are written one after another, so offsets are given in order.
 */
export class GroupCommit {
  private queue: PendingAppend[] = [];
  private running: Promise<void> | null = null;

  /** `write` makes one group durable and returns the offset of its first record, or throws. */
  constructor(private readonly write: (buffers: Buffer[], records: number) => Promise<LogOffset>) {}

  submit(framed: FramedRecords): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ framed, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once every append submitted so far is settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      const records = group.reduce((n, p) => n + p.framed.count, 0);
      try {
        let next = await this.write(
          group.map((p) => p.framed.buffer),
          records,
        );
        for (const pending of group) {
          pending.resolve({ first: next, last: next + pending.framed.count - 1 });
          next += pending.framed.count;
        }
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
    this.running = null;
  }
}
