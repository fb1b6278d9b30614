import type { BreakdownRow } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { StorageEngine } from '../../storage/engine.js';

/** One breakdown: what to group the sessions by. */
export interface Dimension {
  /** The value, an expression on the session rows. */
  value: SqlFragment;
  /** Values listed at most (null: all). */
  limit: number | null;
}

/**
 * Several breakdowns of the same sessions in one pass: each session row (with `distinct_id`) is
 * repeated once per dimension, so one GROUP BY counts every dimension's values; the sessions are
 * read (and their entry events found) once, not once per list.
 *
 * Answers, per dimension in the given order, its values by visitors (distinct non-empty
 * distinct_ids), then sessions, most first, then by name; at most the dimension's `limit`.
 */
export async function loadBreakdowns(
  engine: StorageEngine,
  sessions: SqlFragment,
  dimensions: readonly Dimension[],
): Promise<BreakdownRow[][]> {
  const { dialect } = engine;
  const values = join(dimensions.map(({ value }, i) => sql`${value} AS ${raw(`d${i}`)}`));
  const pick = join(
    dimensions.map((_, i) => raw(`WHEN k = ${i} THEN d${i}`)),
    ' ',
  );
  const rows = await engine.query(
    sql`SELECT k, name,
          ${dialect.countDistinct(raw("CASE WHEN distinct_id <> '' THEN distinct_id END"))} AS visitors,
          count(*) AS sessions
        FROM (SELECT k, CASE ${pick} END AS name, distinct_id
              FROM (SELECT ${dialect.rowPerIndex(dimensions.length)} AS k, ${values}, distinct_id
                    FROM (${sessions}) AS s) AS u) AS x
        GROUP BY k, name`,
  );
  const lists: BreakdownRow[][] = dimensions.map(() => []);
  for (const row of rows) {
    lists[Number(row['k'])]?.push({
      name: String(row['name'] ?? ''),
      visitors: Number(row['visitors']),
      sessions: Number(row['sessions']),
    });
  }
  return lists.map((list, i) => {
    list.sort(byVisitorsThenSessions);
    const limit = dimensions[i]?.limit ?? null;
    return limit === null ? list : list.slice(0, limit);
  });
}

/** Most visitors first, then most sessions, then by name (code-point order, the same on every engine). */
function byVisitorsThenSessions(a: BreakdownRow, b: BreakdownRow): number {
  return (
    b.visitors - a.visitors || b.sessions - a.sessions || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}
