import type { WriteNotices } from '../live/write-notices.js';
import type { StorageEngine } from '../storage/engine.js';
import type { InsightStatus } from '../storage/processor-records.js';

/** Acknowledging or resolving insights: written to the engine, then announced to live queries. */
export class InsightStatuses {
  constructor(
    private readonly engine: StorageEngine,
    private readonly notices: WriteNotices,
  ) {}

  /** Returns false when the project has no insight with that id (nothing was written). */
  async set(projectId: string, id: string, status: InsightStatus, at: number): Promise<boolean> {
    const found = await this.engine.setInsightStatus(projectId, id, status, at);
    if (found) this.notices.notifyWrite(projectId, ['insights']);
    return found;
  }
}
