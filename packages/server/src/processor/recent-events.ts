import type { EventRow, InsertResult, StoredEvent } from '../storage/engine.js';

/** Events kept for the processor; beyond this it reads from the store instead. */
export const DEFAULT_RECENT_EVENTS = 100_000;

interface Segment {
  /** The commit covered seqs (after, last]: every stored event in that range is in `events`. */
  after: number;
  last: number;
  events: StoredEvent[];
}

/**
 * The events of the latest group commits, handed over in memory. Reading them back from the
 * store cost as much CPU as storing them (measured: 74 vs 35 µs per event with the read-back).
 * Commits number their rows contiguously (row i of a group gets firstSeq + i; duplicates leave
 * gaps), so a run of segments covers a seq range completely, and the processor can tell whether
 * what it needs next is here or must be read from the store (after a restart, or if it fell behind).
 */
export class RecentEvents {
  private segments: Segment[] = [];
  private size = 0;

  constructor(private readonly capacity = DEFAULT_RECENT_EVENTS) {}

  add(rows: readonly EventRow[], result: InsertResult): void {
    const events: StoredEvent[] = [];
    for (let i = 0; i < rows.length; i++) {
      if (result.inserted[i] !== 1) continue;
      // The committed rows are not used after their commit: numbering them in place saves a copy per event.
      const event = rows[i] as StoredEvent;
      event.seq = result.firstSeq + i;
      events.push(event);
    }
    const segment = { after: result.firstSeq - 1, last: result.firstSeq + rows.length - 1, events };
    const previous = this.segments[this.segments.length - 1];
    // A gap means a commit was missed: what came before can no longer be trusted to be complete.
    if (previous && previous.last !== segment.after) this.clear();
    this.segments.push(segment);
    this.size += events.length;
    while (this.size > this.capacity && this.segments.length > 1)
      this.size -= this.segments.shift()!.events.length;
  }

  /**
   * Up to `limit` events with seq > `afterSeq`, in seq order, or null when the segments held do not
   * cover everything after `afterSeq` (read the store instead).
   */
  after(afterSeq: number, limit: number): StoredEvent[] | null {
    const first = this.segments[0];
    if (!first || afterSeq < first.after) return null;
    const out: StoredEvent[] = [];
    for (const segment of this.segments) {
      if (segment.last <= afterSeq) continue;
      for (const event of segment.events) {
        if (event.seq <= afterSeq) continue;
        if (out.length >= limit) return out;
        out.push(event);
      }
    }
    return out;
  }

  /** Forgets segments entirely at or below `seq` (processed and committed: never asked for again). */
  release(seq: number): void {
    while (this.segments.length > 0 && this.segments[0]!.last <= seq) {
      this.size -= this.segments.shift()!.events.length;
    }
  }

  clear(): void {
    this.segments = [];
    this.size = 0;
  }
}
