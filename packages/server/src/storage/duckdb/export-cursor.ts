import type { DuckDBConnection } from '@duckdb/node-api';
import type { ExportRange, StoredEvent } from '../engine.js';
import { EVENT_COLUMNS, toStoredEvent } from '../stored-event.js';

/**
 * Rows per page: each page is one query, and what the caller gets per call. Converting a page
 * holds the database thread every query waits for, so pages stay small: 1,024 rows export 200k
 * events nearly as fast as 2,048 (2.3 vs 2.0 s) while holding that thread half as long each time.
 */
export const EXPORT_PAGE_ROWS = 1024;

/** Pages aim at this many rows per time window: a little slack over a page, so most windows fill one. */
const WINDOW_TARGET_ROWS = EXPORT_PAGE_ROWS * 2;

/**
 * Reads one project's events in (timestamp, seq) order, a page at a time, with memory bounded by
 * the page whatever the range: a plain `ORDER BY` over the range sorts (and holds) every row of it
 * before the first comes out, so concurrent exports of big projects ran DuckDB out of memory.
 *
 * Each page is `ORDER BY timestamp, seq LIMIT page` (DuckDB keeps only the top rows) after the
 * last row sent, inside a time window sized from the density seen so far, so a page reads about
 * the rows it returns: events arrive roughly in time order, and DuckDB skips row groups whose
 * timestamps lie outside the window. Windows grow across empty stretches and shrink in bursts.
 */
export class ExportCursor {
  /** Next page starts here: at `afterTs` with seq above `afterSeq`, or from `afterTs` on when null. */
  private afterTs: number;
  private afterSeq: number | null = null;
  private windowMs = 1;
  private end: number;
  private started = false;
  private finished = false;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly projectId: string,
    range: ExportRange,
  ) {
    // Bounds past what a double holds exactly would not even be valid SQL literals (-1e308).
    this.afterTs = clampToSafe(Math.floor(range.from));
    this.end = clampToSafe(Math.ceil(range.to));
  }

  /** The next page in order, or null once the range is done. */
  async next(): Promise<StoredEvent[] | null> {
    if (!this.started) await this.start();
    while (!this.finished) {
      const windowEnd = Math.min(this.end, this.afterTs + this.windowMs);
      const rows = await this.page(windowEnd);
      if (rows.length === EXPORT_PAGE_ROWS) {
        const last = rows[rows.length - 1]!;
        // The page filled before the window ended: aim the next window at the density just seen.
        this.windowMs = Math.max(
          1,
          Math.ceil(((last.timestamp - this.afterTs) * WINDOW_TARGET_ROWS) / rows.length),
        );
        this.afterTs = last.timestamp;
        this.afterSeq = last.seq;
        return rows;
      }
      // The window is done: the next one starts at its end, wider if this one was sparse.
      this.windowMs =
        rows.length === 0 ? this.windowMs * 4 : Math.ceil((this.windowMs * WINDOW_TARGET_ROWS) / rows.length);
      this.afterTs = windowEnd;
      this.afterSeq = null;
      if (windowEnd >= this.end) this.finished = true;
      if (rows.length > 0) return rows;
    }
    return null;
  }

  /** Narrows the range to the project's first and last event in it, and sizes the first window. */
  private async start(): Promise<void> {
    this.started = true;
    const reader = await this.conn.runAndReadAll(
      `SELECT min(timestamp) AS first, max(timestamp) AS last, count(*) AS n FROM events
       WHERE project_id = $1 AND timestamp >= ${this.afterTs} AND timestamp < ${this.end}`,
      [this.projectId],
    );
    const row = reader.getRowObjects()[0];
    const n = Number(row?.['n'] ?? 0);
    if (n === 0) {
      this.finished = true;
      return;
    }
    const first = Number(row!['first']);
    const last = Number(row!['last']);
    this.afterTs = first;
    this.end = Math.min(this.end, last + 1);
    this.windowMs = Math.max(1, Math.ceil(((last + 1 - first) * WINDOW_TARGET_ROWS) / n));
  }

  /**
   * One page before `windowEnd`. Times go into the SQL as integer literals (values this class
   * computed, never text from a request): DuckDB plans a prepared statement without its parameter
   * values, and only literal bounds let it skip row groups by their min/max timestamp.
   */
  private async page(windowEnd: number): Promise<StoredEvent[]> {
    const after =
      this.afterSeq === null ? '' : ` AND (timestamp > ${this.afterTs} OR seq > ${this.afterSeq})`;
    const reader = await this.conn.runAndReadAll(
      `SELECT ${EVENT_COLUMNS.join(', ')} FROM events
       WHERE project_id = $1 AND timestamp >= ${this.afterTs} AND timestamp < ${windowEnd}${after}
       ORDER BY timestamp, seq LIMIT ${EXPORT_PAGE_ROWS}`,
      [this.projectId],
    );
    // Column arrays convert several times faster than row objects (measured 1.3 vs 7.6 ms per
    // 1,024 rows), and this runs on the thread every query of the server waits for.
    const columns = reader.getColumnsObjectJS();
    const count = columns['seq']?.length ?? 0;
    const rows: StoredEvent[] = [];
    for (let i = 0; i < count; i++) {
      const row: Record<string, unknown> = {};
      for (const name of EVENT_COLUMNS) row[name] = columns[name]![i];
      rows.push(toStoredEvent(row));
    }
    return rows;
  }
}

function clampToSafe(ms: number): number {
  if (Number.isNaN(ms)) return 0;
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, ms));
}
