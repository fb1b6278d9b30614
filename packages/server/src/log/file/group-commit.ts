import type { AppendResult, LogOffset } from '../event-log.js';
import { GroupQueue } from '../group-queue.js';
import type { FramedRecords } from './frame.js';

/**
 * The file log's group commit (group-queue.ts): the framed records of a group go in one write and
 * one fdatasync; groups are written one after another, so offsets are given in order.
 */
export class GroupCommit extends GroupQueue<FramedRecords, AppendResult> {
  /** `write` makes one group durable and returns the offset of its first record, or throws. */
  constructor(write: (buffers: Buffer[], records: number) => Promise<LogOffset>) {
    super(async (group) => {
      let next = await write(
        group.map((framed) => framed.buffer),
        group.reduce((n, framed) => n + framed.count, 0),
      );
      return group.map((framed) => {
        const result = { first: next, last: next + framed.count - 1 };
        next += framed.count;
        return result;
      });
    });
  }
}
