import type { FrictionCounts, FrictionFactorId, TimeRange } from '@sightline/schema';
import { FRICTION_CATALOGUE, RISK_FACTORS, type RiskFactor } from '../friction/catalogue.js';
import { heavierFirst } from '../friction/scoring.js';
import type { SqlDialect } from '../sql/dialect.js';
import { join, raw, type SqlFragment, sql } from '../sql/sql.js';
import type { QueryContext } from './registry.js';

/**
 * Friction as the queries see it: per session, which catalogue factors (friction/catalogue.ts) the
 * stream processor detected, read from its `session_friction` table. No query recounts friction
 * from raw events, so drop-offs, sessions, the friction query and the insights feed all answer
 * from the same detections. A session's factors are those of its whole life, whatever the range.
 */

/** The catalogue's factor ids, in catalogue order: the columns below and the keys of `FrictionCounts`. */
export const FRICTION_KINDS: readonly RiskFactor[] = RISK_FACTORS;
/** A factor id as query results name it (@sightline/schema); a test checks it is the catalogue's RiskFactor. */
export type FrictionKind = FrictionFactorId;
/** Sessions (of a group) that met each factor. */
export type { FrictionCounts };

export const emptyFriction = (): FrictionCounts =>
  Object.fromEntries(FRICTION_KINDS.map((kind) => [kind, 0])) as FrictionCounts;

/**
 * One row per session of the project with any friction: `unit` (the session id) and, per factor,
 * a column named by its id holding 1 when the processor detected it in the session, else 0.
 */
export function sessionFactorFlags(dialect: SqlDialect, projectId: string): SqlFragment {
  const flags = FRICTION_CATALOGUE.map(
    (f) => sql`CASE WHEN ${dialect.jsonNumber(raw('factors'), f.id)} > 0 THEN 1 ELSE 0 END AS ${raw(f.id)}`,
  );
  return sql`SELECT session_id AS unit, ${join(flags)} FROM session_friction WHERE project_id = ${projectId}`;
}

/**
 * Factor flags per session (1 / 0 each), for the sessions with friction; sessions without any are
 * left out. `onlySessions` (a query of session ids) narrows it to those sessions. The range is not
 * used: a session's stored factors cover its whole life (see the top of this file).
 */
export async function frictionBySession(
  { engine, projectId }: QueryContext,
  _range: TimeRange,
  onlySessions: SqlFragment | null = null,
): Promise<Map<string, FrictionCounts>> {
  const narrowed = onlySessions ? sql`WHERE unit IN (${onlySessions})` : raw('');
  const rows = await engine.query(
    sql`SELECT * FROM (${sessionFactorFlags(engine.dialect, projectId)}) AS flags ${narrowed}`,
  );
  const bySession = new Map<string, FrictionCounts>();
  for (const row of rows) {
    const counts = emptyFriction();
    for (const kind of FRICTION_KINDS) counts[kind] = Number(row[kind] ?? 0);
    bySession.set(String(row['unit']), counts);
  }
  return bySession;
}

/**
 * The factor met by the most sessions; among equals the heavier (catalogue weight), then the
 * first in catalogue order. Null when no session met any.
 */
export function dominantFriction(counts: FrictionCounts): FrictionKind | null {
  let best: FrictionKind | null = null;
  for (const kind of FRICTION_KINDS) {
    if (counts[kind] <= 0) continue;
    if (
      !best ||
      counts[kind] > counts[best] ||
      (counts[kind] === counts[best] && heavierFirst(kind, best) < 0)
    )
      best = kind;
  }
  return best;
}
