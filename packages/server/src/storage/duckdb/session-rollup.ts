import type { DuckDBConnection } from '@duckdb/node-api';
import { ROLLUP_SLOT_MS } from '../engine.js';
import {
  ensureFlowHours,
  FLOW_HOURS,
  FLOW_PAIR_HOURS,
  FLOW_PATH_HOURS,
  insertFlowHours,
  markFlowsWithSeveralRows,
} from './flow-rollup.js';
import {
  ensurePageViewHours,
  insertPageViewHours,
  markPageViewsWithSeveralRows,
  PAGE_VIEW_HOURS,
} from './page-view-rollup.js';
import {
  ensureSessionEntryHours,
  insertSessionEntryHours,
  markSessionEntriesWithSeveralRows,
  SESSION_ENTRY_HOURS,
} from './session-entry-rollup.js';

/**
 * The hourly session rollup (queries read it through duckdbSessionRollup, rollup-capability.ts): per (project, hour, session,
 * distinct id) the event count and, per event name, the count and first / last timestamp, as
 * parallel lists. Overview totals and funnels read one row per session-hour instead of every event.
 * Names are stored as ids from `session_rollup_names` (ids never change once given): finding a
 * step in a list of integers costs a fraction of reading and comparing a list of strings.
 *
 * It covers exactly the events with `seq <= covered_seq` and `0 <= timestamp < covered_hour + one slot` (ROLLUP_SLOT_MS; `hour` columns hold slot starts); queries
 * read everything else from `events`. Rows are only ever appended, each tagged with the refresh
 * (`generation`) that wrote it, so a query that read the state of generation G and then reads
 * rows with generation <= G sees one consistent cover while later refreshes commit.
 * `single` marks a session's only row: in any snapshot, a row marked single is the only one of its
 * session (a refresh that adds another clears the mark in the same transaction), so a session
 * funnel can take such a row's aggregates as the session's without grouping (query/funnel/chain.ts).
 */
export const SESSION_ROLLUP_DDL = [
  `CREATE TABLE IF NOT EXISTS session_hours (
    project_id VARCHAR NOT NULL,
    hour BIGINT NOT NULL,
    session_id VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    generation BIGINT NOT NULL,
    single BOOLEAN NOT NULL,
    events BIGINT NOT NULL,
    name_ids INTEGER[] NOT NULL,
    counts BIGINT[] NOT NULL,
    firsts BIGINT[] NOT NULL,
    lasts BIGINT[] NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS session_rollup_names (name VARCHAR NOT NULL, id INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS session_rollup_state (
    generation BIGINT NOT NULL,
    covered_seq BIGINT NOT NULL,
    covered_hour BIGINT NOT NULL,
    slot_ms BIGINT NOT NULL
  )`,
];

/** session_hours' columns in order: an older layout is dropped and rebuilt (the rollup is derived from events). */
const SESSION_HOURS_COLUMNS = [
  'project_id',
  'hour',
  'session_id',
  'distinct_id',
  'generation',
  'single',
  'events',
  'name_ids',
  'counts',
  'firsts',
  'lasts',
];

/** Drops a rollup of another layout (the next refresh rebuilds it from events), then creates what is missing. */
export async function ensureSessionRollupTables(conn: DuckDBConnection): Promise<void> {
  const reader = await conn.runAndReadAll(
    `SELECT column_name FROM information_schema.columns
     WHERE table_name = 'session_hours' ORDER BY ordinal_position`,
  );
  const columns = reader.getRows().map((row) => String(row[0]));
  if (
    columns.length > 0 &&
    (columns.join() !== SESSION_HOURS_COLUMNS.join() || (await slotOf(conn)) !== ROLLUP_SLOT_MS)
  ) {
    for (const table of [
      'session_hours',
      'session_rollup_names',
      'session_rollup_state',
      PAGE_VIEW_HOURS,
      SESSION_ENTRY_HOURS,
      FLOW_HOURS,
      FLOW_PAIR_HOURS,
      FLOW_PATH_HOURS,
    ]) {
      await conn.run(`DROP TABLE IF EXISTS ${table}`);
    }
  }
  for (const ddl of SESSION_ROLLUP_DDL) await conn.run(ddl);
  // The page views' rows share this cover (page-view-rollup.ts).
  await ensurePageViewHours(conn);
  await ensureSessionEntryHours(conn);
  await ensureFlowHours(conn);
}

/** The slot length the rollup was built with (rows of another length mean other things): null when unknown. */
async function slotOf(conn: DuckDBConnection): Promise<number | null> {
  const state = await conn.runAndReadAll(
    `SELECT column_name FROM information_schema.columns
     WHERE table_name = 'session_rollup_state' AND column_name = 'slot_ms'`,
  );
  if (state.getRows().length === 0) return null;
  const reader = await conn.runAndReadAll('SELECT slot_ms FROM session_rollup_state');
  const row = reader.getRows()[0];
  // No state row yet: nothing was rolled up, any slot length will do.
  return row ? Number(row[0]) : ROLLUP_SLOT_MS;
}

/**
 * Events aggregated per statement at most (about): bounds the memory of the list aggregates and
 * the flow rollup's sequencing. 10 M events at once ran out of DuckDB's 1 GB, 2 M took under 1 GB;
 * a 15-minute slot at 10 M events a day holds about 100 k. A
 * session cut by a statement boundary gets two rows, which queries merge like any other.
 */
export const ROLLUP_EVENTS_PER_STATEMENT = 250_000;

/** Slots are rolled up once they ended this long ago, so on-time events rarely land in a rolled-up slot. */
export const ROLLUP_GRACE_MS = 5 * 60_000;

interface Cover {
  generation: number;
  seq: number;
  hour: number;
}

/** No hour is covered before the first refresh (hours are >= 0). */
const EMPTY_COVER: Cover = { generation: 0, seq: 0, hour: -ROLLUP_SLOT_MS };

/** Gives an id to each event name of the `events` rows matching `where` that has none yet. */
function insertNewNames(where: string): string {
  return `INSERT INTO session_rollup_names
    SELECT name, (SELECT coalesce(max(id), 0) FROM session_rollup_names) + row_number() OVER (ORDER BY name)
    FROM (SELECT DISTINCT event AS name FROM events WHERE ${where}) AS d
    WHERE name NOT IN (SELECT name FROM session_rollup_names)`;
}

/** Rows of `events` matching `where`, aggregated into session_hours rows of `generation`. */
function insertAggregates(where: string, generation: number): string {
  return `INSERT INTO session_hours
    SELECT project_id, hour, session_id, distinct_id, ${generation}, TRUE, sum(n),
      list(id ORDER BY id), list(n ORDER BY id), list(lo ORDER BY id), list(hi ORDER BY id)
    FROM (SELECT project_id, timestamp - timestamp % ${ROLLUP_SLOT_MS} AS hour, session_id, distinct_id, event,
            count(*) AS n, min(timestamp) AS lo, max(timestamp) AS hi
          FROM events WHERE ${where}
          GROUP BY project_id, hour, session_id, distinct_id, event) AS per_name
      JOIN session_rollup_names ON per_name.event = session_rollup_names.name
    GROUP BY project_id, hour, session_id, distinct_id`;
}

/** Clears `single` on the rows of sessions that now have several (only sessions the refresh touched). */
function markSessionsWithSeveralRows(generation: number): string {
  return `UPDATE session_hours SET single = FALSE
    FROM (SELECT project_id, session_id FROM session_hours
          WHERE session_id IN (SELECT session_id FROM session_hours WHERE generation = ${generation})
          GROUP BY project_id, session_id HAVING count(*) > 1) AS several
    WHERE session_hours.single AND session_hours.project_id = several.project_id
      AND session_hours.session_id = several.session_id`;
}

/**
 * Extends the cover to every committed event in hours that ended at least ROLLUP_GRACE_MS before
 * `now`, in one transaction: late events (seq past the old cover) of hours already covered, then
 * each newly closed hour. Returns the number of rows written. Not safe to run twice at once.
 */
export async function refreshSessionRollup(
  conn: DuckDBConnection,
  now: number,
  eventsPerStatement = ROLLUP_EVENTS_PER_STATEMENT,
): Promise<number> {
  const closedHour = Math.floor((now - ROLLUP_GRACE_MS) / ROLLUP_SLOT_MS) * ROLLUP_SLOT_MS - ROLLUP_SLOT_MS;
  await conn.run('BEGIN TRANSACTION');
  try {
    const old = await readCover(conn);
    const maxSeq = await scalar(conn, 'SELECT coalesce(max(seq), 0) FROM events');
    const hour = Math.max(old.hour, closedHour);
    if (maxSeq === old.seq && hour === old.hour) {
      await conn.run('ROLLBACK');
      return 0;
    }
    const generation = old.generation + 1;
    let written = 0;
    // Every name the statements below can meet gets its id first: one scan of the new seqs, one of
    // the new hours (two plain ranges, so zone maps skip the rest of the table).
    const newHours = `timestamp >= ${Math.max(0, old.hour + ROLLUP_SLOT_MS)} AND timestamp < ${hour + ROLLUP_SLOT_MS}`;
    if (maxSeq > old.seq) await conn.run(insertNewNames(`seq > ${old.seq} AND seq <= ${maxSeq}`));
    if (hour > old.hour) await conn.run(insertNewNames(`${newHours} AND seq <= ${maxSeq}`));
    const run = async (where: string) => {
      const result = await conn.run(insertAggregates(where, generation));
      written += Number(result.rowsChanged);
      await insertPageViewHours(conn, where, generation);
      await insertSessionEntryHours(conn, where, generation);
      await insertFlowHours(conn, where, generation);
    };
    // Events committed since the last refresh for hours it already covered (late arrivals).
    for (let lo = old.seq; old.hour >= 0 && lo < maxSeq; lo += eventsPerStatement) {
      const hi = Math.min(maxSeq, lo + eventsPerStatement);
      await run(
        `seq > ${lo} AND seq <= ${hi} AND timestamp >= 0 AND timestamp < ${old.hour + ROLLUP_SLOT_MS}`,
      );
    }
    // Newly closed hours, each whole (up to maxSeq): per hour, seq windows of about
    // eventsPerStatement events (events arrive in time order, so an hour's seqs are close).
    if (hour > old.hour) {
      const hours = await conn.runAndReadAll(
        `SELECT timestamp - timestamp % ${ROLLUP_SLOT_MS} AS h, min(seq), max(seq), count(*) FROM events
         WHERE ${newHours} AND seq <= ${maxSeq}
         GROUP BY h ORDER BY h`,
      );
      for (const [start, first, last, count] of hours.getRows()) {
        const inHour = `timestamp >= ${Number(start)} AND timestamp < ${Number(start) + ROLLUP_SLOT_MS}`;
        const windows = Math.ceil(Number(count) / eventsPerStatement);
        const width = Math.ceil((Number(last) - Number(first) + 1) / windows);
        for (let lo = Number(first) - 1; lo < Number(last); lo += width) {
          await run(`${inHour} AND seq > ${lo} AND seq <= ${Math.min(Number(last), lo + width)}`);
        }
      }
    }
    if (written > 0) {
      await conn.run(markSessionsWithSeveralRows(generation));
      await markSessionEntriesWithSeveralRows(conn, generation);
      await markPageViewsWithSeveralRows(conn, generation);
      await markFlowsWithSeveralRows(conn, generation);
    }
    await conn.run('DELETE FROM session_rollup_state');
    await conn.run(
      `INSERT INTO session_rollup_state VALUES (${generation}, ${maxSeq}, ${hour}, ${ROLLUP_SLOT_MS})`,
    );
    await conn.run('COMMIT');
    return written;
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function readCover(conn: DuckDBConnection): Promise<Cover> {
  const reader = await conn.runAndReadAll(
    'SELECT generation, covered_seq, covered_hour FROM session_rollup_state',
  );
  const row = reader.getRows()[0];
  if (!row) return EMPTY_COVER;
  return { generation: Number(row[0]), seq: Number(row[1]), hour: Number(row[2]) };
}

async function scalar(conn: DuckDBConnection, text: string): Promise<number> {
  const reader = await conn.runAndReadAll(text);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

/** How often the rollup catches up while the server runs (a refresh with nothing new is a few small reads). */
export const ROLLUP_REFRESH_INTERVAL_MS = 60_000;

/**
 * Keeps the rollup current on its own connection: a catch-up at open, then one refresh every
 * interval (0: only when asked, for tests that move the clock themselves). Refreshes run one at a time; a failed one changes nothing (its transaction rolls back)
 * and queries stay exact, only slower, since they read whatever is not covered from `events`.
 */
export class SessionRollup {
  private running: Promise<number> = Promise.resolve(0);
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: DuckDBConnection,
    intervalMs = ROLLUP_REFRESH_INTERVAL_MS,
    private readonly eventsPerStatement = ROLLUP_EVENTS_PER_STATEMENT,
  ) {
    const background = () => {
      this.refresh().catch((error: Error) => {
        console.error(`sightline: session rollup refresh failed: ${error.message}`);
      });
    };
    if (intervalMs <= 0) return;
    background();
    this.timer = setInterval(background, intervalMs);
    this.timer.unref();
  }

  refresh(now = Date.now()): Promise<number> {
    const run = this.running
      .catch(() => 0)
      .then(() => refreshSessionRollup(this.conn, now, this.eventsPerStatement));
    this.running = run;
    return run;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => undefined);
    this.conn.closeSync();
  }
}
