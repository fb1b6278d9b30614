import { open } from 'node:fs/promises';
import type { LogOffset } from '../event-log.js';
import { FrameScanner } from './frame-scanner.js';
import { segmentPath } from './segment-files.js';

export interface RepairedTail {
  /** Whole, valid records in the segment. */
  count: number;
  /** Bytes they take: where the next append writes. */
  size: number;
  /** Bytes cut after them (a torn or corrupt tail); 0 when the segment ended cleanly. */
  cutBytes: number;
  /** Why the cut bytes were not a record, when some were cut. */
  why?: string;
}

/**
 * Scans the last segment and cuts everything after its last valid record. Why this never cuts an
 * acknowledged record: appends only ever add bytes at the end, and an append is acknowledged only
 * after fdatasync returned for every byte up to its last record. So every acknowledged record is
 * whole and intact on the disk, and all of them come before the first byte that was not yet
 * synced. A tear (a write cut short by a crash, unsynced pages half on disk) can only be in bytes
 * after the last successful sync; the scan stops at the first bad frame, which is therefore after
 * every acknowledged record. (Bytes the disk corrupts after confirming them are another matter:
 * in a sealed segment a reader reports them as LogCorruptionError instead of cutting.)
 */
export async function repairTail(
  dir: string,
  base: LogOffset,
  maxRecordBytes: number,
): Promise<RepairedTail> {
  const handle = await open(segmentPath(dir, base), 'r+');
  try {
    const scanner = new FrameScanner(handle, 0, maxRecordBytes);
    let count = 0;
    for (;;) {
      const frame = await scanner.next();
      if (frame.kind === 'record') {
        count++;
        continue;
      }
      if (frame.kind === 'end') return { count, size: frame.position, cutBytes: 0 };
      const { size: fileSize } = await handle.stat();
      await handle.truncate(frame.position);
      await handle.datasync();
      return { count, size: frame.position, cutBytes: fileSize - frame.position, why: frame.why };
    }
  } finally {
    await handle.close();
  }
}
