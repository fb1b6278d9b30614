import type { LogOffset } from '../event-log.js';

export interface SealedSegment {
  base: LogOffset;
  /** The next segment's base: this segment holds [base, nextBase). */
  nextBase: LogOffset;
  /** When its last record was appended (the file's mtime). */
  lastAppendMs: number;
}

/**
 * The sealed segments that may go, oldest first and without gaps: every registered consumer has
 * released past the segment's last record, and the replay window (if any) has passed since its
 * last append. With no consumer registered nothing goes: no one has said the records were handled.
 */
export function removableSegments(
  sealed: readonly SealedSegment[],
  positions: ReadonlyMap<string, LogOffset>,
  retentionMs: number,
  nowMs: number,
): LogOffset[] {
  if (positions.size === 0) return [];
  const slowest = Math.min(...positions.values());
  const removable: LogOffset[] = [];
  for (const segment of sealed) {
    if (segment.nextBase > slowest) break;
    if (retentionMs > 0 && nowMs - segment.lastAppendMs < retentionMs) break;
    removable.push(segment.base);
  }
  return removable;
}
