import { type TimeRange, timeRangeSchema } from '@sightline/schema';
import { z } from 'zod';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope, limitSchema } from './scope.js';
import { raw, sql } from './sql.js';

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

/** Sessions are packed into this many result rows: moving rows out of the engine is what costs. */
const PACKED_ROWS = 64;

/**
 * Consecutive steps within each session (ordered by timestamp, then seq) and the sessions' first
 * `path_length` steps. Needs each event's predecessor, which portable SQL (no window functions)
 * cannot give: SQL packs each session's steps as text (`timestamp:seq:hex(label),…`, sessions
 * joined by ';' into PACKED_ROWS rows) and TypeScript pairs them, the same for every engine.
 */
export async function userFlow(
  { engine, projectId, now }: QueryContext,
  args: UserFlowArgs,
): Promise<UserFlowResult> {
  const { dialect } = engine;
  const scope = eventScope(projectId, args.time_range, now);
  const pages = args.mode === 'pages';
  const step = sql`concat(${dialect.toText(raw('timestamp'))}, ':', ${dialect.toText(raw('seq'))}, ':', ${dialect.hex(raw(pages ? 'path' : 'event'))})`;
  const perSession = sql`SELECT min(seq) AS first_seq, ${dialect.stringAgg(step, ',')} AS steps FROM events
    WHERE ${scope.where} AND session_id <> '' ${pages ? sql`AND event = ${'page_view'}` : raw('')}
    GROUP BY session_id`;
  const rows = await engine.query(
    sql`SELECT ${dialect.stringAgg(raw('steps'), ';')} AS packed FROM (${perSession}) AS sessions
        GROUP BY first_seq % ${raw(String(PACKED_ROWS))}`,
  );
  // Labels become small integer ids, so counting keys are cheap; texts are decoded once each.
  const idsByHex = new Map<string, number>();
  const texts: string[] = [];
  const labelId = (hex: string) => {
    let id = idsByHex.get(hex);
    if (id === undefined) {
      id = texts.push(Buffer.from(hex, 'hex').toString('utf8')) - 1;
      idsByHex.set(hex, id);
    }
    return id;
  };
  const transitionCounts = new Map<string, number>();
  const pathCounts = new Map<string, number>();
  for (const row of rows) {
    for (const packed of String(row['packed'] ?? '').split(';')) {
      const steps = packed.split(',').map((item) => {
        const [timestamp, seq, hex = ''] = item.split(':');
        return { id: labelId(hex), timestamp: Number(timestamp), seq: Number(seq) };
      });
      steps.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
      for (let i = 1; i < steps.length; i++) {
        const key = `${(steps[i - 1] as { id: number }).id},${(steps[i] as { id: number }).id}`;
        transitionCounts.set(key, (transitionCounts.get(key) ?? 0) + 1);
      }
      const key = steps
        .slice(0, args.path_length)
        .map((step) => step.id)
        .join(',');
      pathCounts.set(key, (pathCounts.get(key) ?? 0) + 1);
    }
  }
  const labelsOf = (key: string) => key.split(',').map((id) => texts[Number(id)] as string);
  const transitions: Transition[] = [...transitionCounts].map(([key, count]) => {
    const [from = '', to = ''] = labelsOf(key);
    return { from, to, count };
  });
  const paths: TopPath[] = [...pathCounts].map(([key, count]) => ({ path: labelsOf(key), count }));
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
