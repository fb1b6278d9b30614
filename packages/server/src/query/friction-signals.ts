import type { TimeRange } from '@sightline/schema';
import type { SqlDialect } from './dialect.js';
import type { QueryContext } from './registry.js';
import { DEAD_CLICK_EVENTS, ERROR_EVENTS, eventScope, inList, RAGE_CLICK_EVENTS } from './scope.js';
import { join, raw, type SqlFragment, sql } from './sql.js';

/** A page load slower than this counts as slow (the slow_page detector's default, DESIGN §6). */
export const SLOW_PAGE_LOAD_MS = 4000;

/** Friction kinds in tie-break order: the first wins among equal counts. */
export const FRICTION_KINDS = [
  'errors',
  'rage_clicks',
  'dead_clicks',
  'slow_loads',
  'stalled_uploads',
] as const;
export type FrictionKind = (typeof FRICTION_KINDS)[number];
export type FrictionCounts = Record<FrictionKind, number>;

export const emptyFriction = (): FrictionCounts => ({
  errors: 0,
  rage_clicks: 0,
  dead_clicks: 0,
  slow_loads: 0,
  stalled_uploads: 0,
});

const UPLOAD_PROGRESS_EVENTS = ['upload_progress', 'upload_complete'];
const PACKED_ROWS = 64;
/** The columns `frictionAggregates` names (also the packing order below). */
export const FRICTION_AGGREGATE_COLUMNS = [
  'errors',
  'rage_clicks',
  'dead_clicks',
  'slow_loads',
  'uploads_started',
  'upload_progress',
] as const;
const countOf = (condition: SqlFragment) => sql`sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

/** Every event name a friction count reads. */
export const FRICTION_EVENT_NAMES: readonly string[] = [
  ...ERROR_EVENTS,
  ...RAGE_CLICK_EVENTS,
  ...DEAD_CLICK_EVENTS,
  'page_performance',
  'upload_started',
  ...UPLOAD_PROGRESS_EVENTS,
];

type FrictionColumn = (typeof FRICTION_AGGREGATE_COLUMNS)[number];

/** The aggregate columns that count events by name alone (slow_loads also reads a property). */
const COUNTED_NAMES: Record<Exclude<FrictionColumn, 'slow_loads'>, readonly string[]> = {
  errors: ERROR_EVENTS,
  rage_clicks: RAGE_CLICK_EVENTS,
  dead_clicks: DEAD_CLICK_EVENTS,
  uploads_started: ['upload_started'],
  upload_progress: UPLOAD_PROGRESS_EVENTS,
};

/** A `page_performance` event whose load took longer than SLOW_PAGE_LOAD_MS (the rollup stores its count). */
export function slowLoadCondition(dialect: SqlDialect): SqlFragment {
  const loadTime = dialect.jsonNumber(raw('properties'), 'page_load_time');
  return sql`event = ${'page_performance'} AND ${loadTime} > ${SLOW_PAGE_LOAD_MS}`;
}

function frictionConditions(dialect: SqlDialect): Array<[FrictionColumn, SqlFragment]> {
  return FRICTION_AGGREGATE_COLUMNS.map((column) => [
    column,
    column === 'slow_loads' ? slowLoadCondition(dialect) : inList(raw('event'), COUNTED_NAMES[column]),
  ]);
}

/**
 * Per-group friction aggregates over rows with `event` and `properties` columns: errors,
 * rage_clicks, dead_clicks, slow_loads, uploads_started, upload_progress (uploads stalled =
 * started when nothing progressed: `stalledUploads`). Shared by frictionBySession and the funnel.
 */
export function frictionAggregates(dialect: SqlDialect): SqlFragment {
  return join(frictionConditions(dialect).map(([column, when]) => sql`${countOf(when)} AS ${raw(column)}`));
}

/** The same columns for one event row (1 or 0 each), to be summed with rollup rows. */
export function frictionOfEvent(dialect: SqlDialect): SqlFragment {
  return join(
    frictionConditions(dialect).map(
      ([column, when]) => sql`CASE WHEN ${when} THEN 1 ELSE 0 END AS ${raw(column)}`,
    ),
  );
}

/**
 * The same columns for one session_hours row: name counts from its lists (`countOf(name)` reads a
 * name's count, NULL when absent) and its own slow_loads column.
 */
export function frictionOfRollupRow(countOfName: (name: string) => SqlFragment): SqlFragment {
  return join(
    FRICTION_AGGREGATE_COLUMNS.map((column) => {
      if (column === 'slow_loads') return raw('slow_loads AS slow_loads');
      const counts = COUNTED_NAMES[column].map((name) => sql`coalesce(${countOfName(name)}, 0)`);
      return sql`${join(counts, ' + ')} AS ${raw(column)}`;
    }),
  );
}

/** A group's uploads stalled when it started some and none reported progress or completion. */
export const stalledUploads = (started: number, progress: number): number => (progress === 0 ? started : 0);

/**
 * Friction per session over the range, for sessions with any friction (or an upload, which may
 * have stalled); sessions without any are left out to keep the result small. A session's
 * uploads are stalled when it started uploads and never reported progress or completion.
 * `onlySessions` (a query of session ids) narrows it to those sessions.
 */
export async function frictionBySession(
  { engine, projectId, now }: QueryContext,
  range: TimeRange,
  onlySessions: SqlFragment | null = null,
): Promise<Map<string, FrictionCounts>> {
  const scope = eventScope(projectId, range, now);
  const perSession = sql`SELECT session_id, min(seq) AS first_seq, ${frictionAggregates(engine.dialect)}
    FROM events
    WHERE ${scope.where} AND session_id <> '' AND ${inList(raw('event'), FRICTION_EVENT_NAMES)}
      ${onlySessions ? sql`AND session_id IN (${onlySessions})` : raw('')}
    GROUP BY session_id`;
  // Packed like the funnel's rows (`hex(session):errors:rage:dead:slow:started:progress`, ';'-joined):
  // a few rows instead of one per session.
  const { hex, toText, stringAgg } = engine.dialect;
  const counts = FRICTION_AGGREGATE_COLUMNS.map((column) => sql`':', ${toText(raw(column))}`);
  const packed = sql`concat(${hex(raw('session_id'))}, ${counts.reduce((a, b) => sql`${a}, ${b}`)})`;
  // Sessions without friction (or an upload, which may have stalled) are left out: a smaller result.
  const rows = await engine.query(
    sql`SELECT ${stringAgg(packed, ';')} AS packed FROM (${perSession}) AS sessions
        WHERE errors + rage_clicks + dead_clicks + slow_loads + uploads_started > 0
        GROUP BY first_seq % ${raw(String(PACKED_ROWS))}`,
  );
  const bySession = new Map<string, FrictionCounts>();
  for (const row of rows) {
    for (const item of String(row['packed'] ?? '').split(';')) {
      const [session = '', errors, rage, dead, slowLoads, started, progress] = item.split(':');
      bySession.set(Buffer.from(session, 'hex').toString('utf8'), {
        errors: Number(errors),
        rage_clicks: Number(rage),
        dead_clicks: Number(dead),
        slow_loads: Number(slowLoads),
        stalled_uploads: stalledUploads(Number(started), Number(progress)),
      });
    }
  }
  return bySession;
}

/** The kind with the highest count (ties in FRICTION_KINDS order); null when all are zero. */
export function dominantFriction(counts: FrictionCounts): FrictionKind | null {
  let best: FrictionKind | null = null;
  for (const kind of FRICTION_KINDS)
    if (counts[kind] > 0 && (!best || counts[kind] > counts[best])) best = kind;
  return best;
}
