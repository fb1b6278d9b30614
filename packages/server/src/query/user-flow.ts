import { type TimeRange, timeRangeSchema } from '@sightline/schema';
import { z } from 'zod';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope, limitSchema } from './scope.js';
import { join, raw, sql } from './sql.js';

export interface Transition {
  from: string;
  to: string;
  count: number;
}

export interface TopPath {
  path: string[];
  count: number;
}

export interface UserFlowResult {
  transitions: Transition[];
  top_paths: TopPath[];
}

export interface UserFlowArgs {
  time_range: TimeRange;
  /** "events": every event, labelled by name; "pages": page views only, labelled by path. */
  mode: 'events' | 'pages';
  limit: number;
  path_length: number;
}

const countDescThenKey =
  <T extends { count: number }>(key: (x: T) => string) =>
  (a: T, b: T) =>
    b.count - a.count || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

const decodeHex = (hex: string) => Buffer.from(hex, 'hex').toString('utf8');

/**
 * Consecutive steps within each session (ordered by timestamp, then seq) and the sessions' first
 * `path_length` steps. Portable SQL has no window functions, so each session's labels become one
 * ordered list (SqlDialect.sortedList); transitions are counted in SQL over the list's neighbours,
 * paths over its first elements. Only distinct (from, to) pairs and distinct paths leave the
 * engine; TypeScript orders them (ties by label text, as JavaScript compares strings).
 */
export async function userFlow(
  { engine, projectId, now }: QueryContext,
  args: UserFlowArgs,
): Promise<UserFlowResult> {
  const { dialect } = engine;
  const scope = eventScope(projectId, args.time_range, now);
  const pages = args.mode === 'pages';
  const labels = raw('labels');
  const perSession = sql`SELECT ${dialect.sortedList(raw(pages ? 'path' : 'event'), [raw('timestamp'), raw('seq')])} AS labels
    FROM events
    WHERE ${scope.where} AND session_id <> '' ${pages ? sql`AND event = ${'page_view'}` : raw('')}
    GROUP BY session_id`;
  // Labels travel as hex inside the pair key, so any text survives the ':' separator.
  const pair = dialect.neighbours(labels, (a, b) => sql`concat(${dialect.hex(a)}, ':', ${dialect.hex(b)})`);
  const length = Math.trunc(args.path_length);
  const firstLabels = Array.from({ length }, (_, i) => raw(`labels[${i + 1}] AS p${i + 1}`));
  const pathColumns = raw(Array.from({ length }, (_, i) => `p${i + 1}`).join(', '));
  const [pairRows, pathRows] = await Promise.all([
    engine.query(
      sql`SELECT pair, count(*) AS n FROM (SELECT ${pair} AS pair FROM (${perSession}) AS s) AS pairs GROUP BY pair`,
    ),
    engine.query(
      sql`SELECT len, ${pathColumns}, count(*) AS n
          FROM (SELECT least(${dialect.listLength(labels)}, ${raw(String(length))}) AS len, ${join(firstLabels)}
                FROM (${perSession}) AS s) AS paths
          GROUP BY len, ${pathColumns}`,
    ),
  ]);
  const transitions: Transition[] = pairRows.map((row) => {
    const [from = '', to = ''] = String(row['pair']).split(':');
    return { from: decodeHex(from), to: decodeHex(to), count: Number(row['n']) };
  });
  // Beyond a session's length, engines fill list[i] differently (NULL, ''): read only `len` labels.
  const paths: TopPath[] = pathRows.map((row) => ({
    path: Array.from({ length: Number(row['len']) }, (_, i) => String(row[`p${i + 1}`])),
    count: Number(row['n']),
  }));
  return {
    transitions: transitions
      .sort(countDescThenKey((t) => JSON.stringify([t.from, t.to])))
      .slice(0, args.limit),
    top_paths: paths.sort(countDescThenKey((p) => JSON.stringify(p.path))).slice(0, args.limit),
  };
}

export const userFlowArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  mode: z.enum(['events', 'pages']).default('events'),
  limit: limitSchema(20, 1000),
  path_length: z.number().int().min(1).max(20).default(3),
});

export const userFlowQuery = defineQuery({
  name: 'user_flow',
  args: userFlowArgs,
  run: (ctx, args) => userFlow(ctx, args),
});
