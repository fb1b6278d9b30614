import { addWrite, type DataSet, type ProjectWrites } from '../query/reads.js';
import type { EventRow, InsertResult } from '../storage/engine.js';

/** Told, after a write is durable, which data sets of which project it touched. */
export type WriteListener = (projectId: string, sets: ReadonlySet<DataSet>) => void;

/**
 * Where every write announces what it touched, once it is durable: the component that performs
 * the write calls `notifyWrite` (or `notifyWrites` for a commit spanning projects), and live
 * queries re-run the subscriptions that read any of it (app.ts wires the two).
 */
export class WriteNotices {
  private readonly listeners = new Set<WriteListener>();

  onWrite(listener: WriteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notifyWrite(projectId: string, sets: Iterable<DataSet>): void {
    const touched = new Set(sets);
    if (touched.size === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(projectId, touched);
      } catch (error) {
        // A listener's failure must not undo or hide the write it was told about.
        console.error('[sightline] write notice:', (error as Error)?.message ?? error);
      }
    }
  }

  notifyWrites(writes: ProjectWrites): void {
    for (const [projectId, sets] of writes) this.notifyWrite(projectId, sets);
  }
}

/** What a group commit touched: the events of each project that had a row stored (not a duplicate). */
export function committedEventWrites(rows: readonly EventRow[], result: InsertResult): ProjectWrites {
  const writes = new Map<string, Set<DataSet>>();
  rows.forEach((row, i) => {
    if (result.inserted[i] === 1) addWrite(writes, row.project_id, 'events');
  });
  return writes;
}
