import {
  FRICTION_AGGREGATE_COLUMNS,
  FRICTION_EVENT_NAMES,
  FRICTION_KINDS,
  frictionAggregates,
} from './friction-signals.js';
import type { FunnelSpec } from './funnel.js';
import { emptyTally, type FunnelTally } from './funnel-tally.js';
import type { QueryContext } from './registry.js';
import { eventScope, inList } from './scope.js';
import { join, raw, type SqlFragment, sql } from './sql.js';

/**
 * The funnel in SQL for the units whose answer plain aggregates decide (docs/SEMANTICS.md,
 * "Funnel", "Where it runs"). Needs distinct step names. Per unit, one pass keeps for each step k
 * the count, first (lo_k) and last (hi_k) timestamp of its events; then, from the earliest start
 * t0 = lo_0, step k is reached at t_k = lo_k when lo_k >= t_{k-1} and lo_k <= t0 + window.
 * That is exactly the greedy run of funnel-core.ts from the earliest start, and no other start
 * does better, except in two cases the aggregates cannot settle, which mark the unit *complex*:
 * - some step-k events lie before t_{k-1} and some after (the first one after is unknown);
 * - the window ends the run while the unit has several starts (a later start may go further).
 * When every step-k event is before t_{k-1}, the run stops and no later start passes that step
 * either (a later start's run is never earlier, step by step). Complex units are matched in
 * TypeScript (funnel.ts); they are rare in practice. Rows leave the engine as a tally
 * (funnel-tally.ts): one row per (breakdown, furthest step) and per (breakdown, step, time).
 */
export interface ChainOptions {
  /** Also sum the friction of the units (session funnels), per furthest step. */
  friction: boolean;
}

export interface ChainResult {
  /** Tallies of the SQL-decided units, by breakdown value ('' without a breakdown). */
  tallies: Map<string, FunnelTally>;
  /** How many units are complex (to be matched in TypeScript). */
  complexUnits: number;
  /** The condition selecting complex units' ids, for the follow-up query. */
  complexUnitIds: SqlFragment;
}

const n = (value: number) => raw(String(Math.trunc(value)));
const t = (k: number) => raw(`t${k}`);

/** Per unit: n0 (starts), lo_k / hi_k per step, the breakdown of the earliest start, friction sums. */
function unitAggregates(ctx: QueryContext, spec: FunnelSpec, options: ChainOptions): SqlFragment {
  const { dialect } = ctx.engine;
  const scope = eventScope(ctx.projectId, spec.time_range, ctx.now);
  const unit = raw(spec.unit === 'user' ? 'distinct_id' : 'session_id');
  // A searched CASE: ClickHouse 18.16 answers NULL for `CASE event WHEN 'a' THEN 0 … END`.
  let code = raw('CASE');
  spec.steps.forEach((name, k) => {
    code = sql`${code} WHEN event = ${name} THEN ${n(k)}`;
  });
  const names = options.friction ? [...new Set([...spec.steps, ...FRICTION_EVENT_NAMES])] : spec.steps;
  const perStep = spec.steps.map(
    (_, k) => sql`min(CASE WHEN code = ${n(k)} THEN timestamp END) AS ${raw(`lo${k}`)},
      max(CASE WHEN code = ${n(k)} THEN timestamp END) AS ${raw(`hi${k}`)}`,
  );
  const breakdown = spec.breakdown
    ? dialect.argMinIf(
        dialect.jsonString(raw('properties'), spec.breakdown),
        [raw('timestamp'), raw('seq')],
        raw('code = 0'),
      )
    : sql`''`;
  const friction = options.friction ? sql`, ${frictionAggregates(dialect)}` : sql``;
  return sql`SELECT unit, sum(CASE WHEN code = 0 THEN 1 ELSE 0 END) AS n0, ${join(perStep)},
      ${breakdown} AS bval${friction}
    FROM (SELECT ${unit} AS unit, event, timestamp, seq, properties, ${code} END AS code
          FROM events WHERE ${scope.where} AND ${unit} <> '' AND ${inList(raw('event'), names)}) AS e
    GROUP BY unit
    HAVING sum(CASE WHEN code = 0 THEN 1 ELSE 0 END) > 0`;
}

/** Adds t_k, one nesting level per step (each needs t_{k-1}), then the complex flag over all of them. */
function chain(aggregates: SqlFragment, spec: FunnelSpec, options: ChainOptions): SqlFragment {
  const window = sql`${spec.window_ms}`;
  const columns = [
    'unit',
    'n0',
    'bval',
    ...spec.steps.flatMap((_, k) => [`lo${k}`, `hi${k}`]),
    ...(options.friction ? FRICTION_AGGREGATE_COLUMNS : []),
    't0',
  ];
  let query = sql`SELECT ${raw(columns.slice(0, -1).join(', '))}, lo0 AS t0 FROM (${aggregates}) AS a`;
  const complex: SqlFragment[] = [];
  for (let k = 1; k < spec.steps.length; k++) {
    const [prev, lo, hi] = [t(k - 1), raw(`lo${k}`), raw(`hi${k}`)];
    query = sql`SELECT ${raw(columns.join(', '))},
        CASE WHEN ${prev} IS NOT NULL AND ${lo} >= ${prev} AND ${lo} <= t0 + ${window} THEN ${lo} END AS ${t(k)}
      FROM (${query}) AS ${raw(`l${k}`)}`;
    columns.push(`t${k}`);
    complex.push(sql`CASE WHEN ${prev} IS NOT NULL AND ${hi} >= ${prev}
        AND (${lo} < ${prev} OR (${lo} > t0 + ${window} AND n0 > 1)) THEN 1 ELSE 0 END`);
  }
  const cplx = complex.length > 0 ? join(complex, ' + ') : raw('0');
  return sql`SELECT ${raw(columns.join(', '))}, ${cplx} AS cplx FROM (${query}) AS chained`;
}

/** The furthest step index reached, from the chain's t_k columns. */
function furthest(stepCount: number): SqlFragment {
  const reached = Array.from(
    { length: stepCount - 1 },
    (_, i) => sql`CASE WHEN ${t(i + 1)} IS NOT NULL THEN 1 ELSE 0 END`,
  );
  return reached.length > 0 ? join(reached, ' + ') : raw('0');
}

/** Runs the SQL part of the funnel; see the comment at the top. */
export async function loadChainTallies(
  ctx: QueryContext,
  spec: FunnelSpec,
  options: ChainOptions,
): Promise<ChainResult> {
  const { dialect } = ctx.engine;
  const steps = spec.steps.length;
  const chained = chain(unitAggregates(ctx, spec, options), spec, options);
  const frictionColumns = options.friction ? FRICTION_KINDS : [];
  // Stalled uploads are decided per unit (started some, none progressed), then summed.
  const friction = options.friction
    ? raw(`, errors, rage_clicks, dead_clicks, slow_loads,
        CASE WHEN upload_progress = 0 THEN uploads_started ELSE 0 END AS stalled_uploads`)
    : raw('');
  const perUnit = sql`SELECT unit, bval, cplx, ${furthest(steps)} AS f,
      ${raw(Array.from({ length: steps }, (_, k) => `t${k}`).join(', '))}${friction},
      ${dialect.rowPerIndex(steps)} AS k
    FROM (${chained}) AS c`;
  // A searched CASE: ClickHouse 18.16 turns `CASE k WHEN …` into transform(), which needs constant results.
  let delta = raw('CASE');
  for (let k = 1; k < steps; k++) delta = sql`${delta} WHEN k = ${n(k)} THEN ${t(k)} - ${t(k - 1)}`;
  const sums = frictionColumns.map((c) => `, sum(CASE WHEN k = 0 THEN ${c} ELSE 0 END) AS ${c}`).join('');
  // k = 0 rows carry one row per unit (count by furthest step, friction); k >= 1 rows the times.
  const rows = await ctx.engine.query(
    sql`SELECT CASE WHEN cplx > 0 THEN 1 ELSE 0 END AS complex, bval, k,
          CASE WHEN k = 0 THEN f ELSE 0 END AS fk, ${delta} ELSE 0 END AS d, count(*) AS units${raw(sums)}
        FROM (${perUnit}) AS x
        WHERE (cplx > 0 AND k = 0) OR (cplx = 0 AND f >= k)
        GROUP BY complex, bval, k, fk, d`,
  );
  const tallies = new Map<string, FunnelTally>();
  let complexUnits = 0;
  for (const row of rows) {
    const units = Number(row['units']);
    if (Number(row['complex']) === 1) {
      complexUnits += units;
      continue;
    }
    const value = String(row['bval'] ?? '');
    let tally = tallies.get(value);
    if (!tally) {
      tally = emptyTally(steps);
      tallies.set(value, tally);
    }
    const k = Number(row['k']);
    if (k === 0) {
      const f = Number(row['fk']);
      tally.byFurthest[f] = (tally.byFurthest[f] ?? 0) + units;
      if (options.friction) {
        const friction = tally.frictionByFurthest[f];
        if (friction) for (const kind of FRICTION_KINDS) friction[kind] += Number(row[kind]);
      }
    } else {
      const times = tally.times[k] as Map<number, number>;
      const ms = Number(row['d']);
      times.set(ms, (times.get(ms) ?? 0) + units);
    }
  }
  return { tallies, complexUnits, complexUnitIds: sql`SELECT unit FROM (${chained}) AS c WHERE cplx > 0` };
}
