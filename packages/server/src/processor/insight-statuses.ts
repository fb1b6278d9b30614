import type { WriteNotices } from '../live/write-notices.js';
import { sql } from '../sql/sql.js';
import type { StorageEngine } from '../storage/engine.js';
import type { InsightStatus } from '../storage/processor-records.js';
import { isOutcomeSql, problemKeySql } from './problem-key.js';

/**
 * Ids per bulk status write: each write names its ids in one statement, and ClickHouse refuses
 * statements over 256 KiB (max_query_size); 1,000 ids of ~40 bytes stay far below.
 */
export const STATUS_WRITE_CHUNK = 1000;

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

  /** Sets the status of each of `ids` the project has; returns how many it had. Announced once. */
  async setMany(
    projectId: string,
    ids: readonly string[],
    status: InsightStatus,
    at: number,
  ): Promise<number> {
    const unique = [...new Set(ids)];
    let found = 0;
    for (let i = 0; i < unique.length; i += STATUS_WRITE_CHUNK)
      found += await this.engine.setInsightStatuses(
        projectId,
        unique.slice(i, i + STATUS_WRITE_CHUNK),
        status,
        at,
      );
    if (found > 0) this.notices.notifyWrite(projectId, ['insights']);
    return found;
  }

  /**
   * Sets every insight of a problem group (processor/problem-key.ts) stored up to `at`; insights of
   * the problem stored later arrive `open`, so a resolved problem that comes back re-opens its group.
   * Returns null when the project has no insight of that problem, else how many changed status.
   */
  async setGroup(
    projectId: string,
    problem: string,
    status: InsightStatus,
    at: number,
  ): Promise<number | null> {
    const rows = await this.engine.query(
      sql`SELECT id, status FROM insights
          WHERE project_id = ${projectId} AND NOT ${isOutcomeSql()} AND created_at <= ${at}
            AND ${problemKeySql()} = ${problem}`,
    );
    if (rows.length === 0) return null;
    const changing = rows.filter((r) => r['status'] !== status).map((r) => String(r['id']));
    return changing.length === 0 ? 0 : this.setMany(projectId, changing, status, at);
  }
}
