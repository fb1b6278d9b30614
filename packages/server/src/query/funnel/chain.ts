import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { FRICTION_KINDS, sessionFactorFlags } from '../friction-signals.js';
import type { QueryContext } from '../registry.js';
import { eventScope } from '../scope.js';
import { type RangeSplit, splitRange } from '../session-rollup.js';
import { rollupAggregates, withBreakdown } from './rollup.js';
import {
  breakdownSql,
  type FunnelSpec,
  funnelEventsCondition,
  isFiltered,
  stepCondition,
  stepEvents,
} from './spec.js';
import { emptyTally, type FunnelTally } from './tally.js';

/**
 * The funnel in SQL for the units whose answer plain aggregates decide (docs/SEMANTICS.md,
 * "Funnel", "Where it runs"). Needs distinct step names (so an event matches at most one step,
 * whatever the steps' own filters). Per unit, one pass keeps for each step k the count, first
 * (lo_k) and last (hi_k) timestamp of its events; then, from the earliest start
 * t0 = lo_0, step k is reached at t_k = lo_k when lo_k >= t_{k-1} and lo_k <= t0 + window.
 * That is exactly the greedy run of core.ts from the earliest start, and no other start
 * does better, except in two cases the aggregates cannot settle, which mark the unit *complex*:
 * - some step-k events lie before t_{k-1} and some after (the first one after is unknown);
 * - the window ends the run while the unit has several starts (a later start may go further).
 * When every step-k event is before t_{k-1}, the run stops and no later start passes that step
 * either (a later start's run is never earlier, step by step). Complex units are matched in
 * TypeScript (outcomes.ts); they are rare in practice. Results leave the engine as a tally
 * (tally.ts): one row per (breakdown, furthest step) and per (breakdown, step) with that
 * step's times to convert packed as text (tens of thousands of rows cost more to move than to count).
 * Without a breakdown or filters, the aggregates come from the hourly session rollup where the
 * engine keeps one (session-rollup.ts); the rollup has no per-event columns to filter on.
 * Friction per furthest step is not counted from events: each session is joined to the factors
 * the processor stored for it (friction-signals.ts), so drop-offs name the same friction as the
 * insights feed.
 */
export interface ChainOptions {
  /** Also count, per furthest step, the units with each friction factor (session funnels). */
  friction: boolean;
  /** Also tally the times to convert (false when only the counts per step are read). */
  times: boolean;
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

/** Per unit: n0 (starts), lo_k / hi_k per step, the breakdown of the earliest start. */
function unitAggregates(ctx: QueryContext, spec: FunnelSpec, split: RangeSplit | null): SqlFragment {
  const { dialect } = ctx.engine;
  const unit = raw(spec.unit === 'user' ? 'distinct_id' : 'session_id');
  // The rollup keeps counts, first and last times per name; a breakdown value is read from the
  // start events alone and joined on.
  if (split) {
    const aggregates = rollupAggregates(spec, split, unit);
    return spec.breakdown ? withBreakdown(ctx, spec, aggregates, unit) : aggregates;
  }
  const scope = eventScope(ctx.projectId, spec.time_range, ctx.now);
  // A searched CASE: ClickHouse 18.16 answers NULL for `CASE event WHEN 'a' THEN 0 … END`.
  // Every row read matches exactly one step (distinct names; the WHERE keeps step matches only).
  let code = raw('CASE');
  spec.steps.forEach((_, k) => {
    code = sql`${code} WHEN ${stepCondition(spec, k, dialect)} THEN ${n(k)}`;
  });
  const perStep = spec.steps.map(
    (_, k) => sql`min(CASE WHEN code = ${n(k)} THEN timestamp END) AS ${raw(`lo${k}`)},
      max(CASE WHEN code = ${n(k)} THEN timestamp END) AS ${raw(`hi${k}`)}`,
  );
  // The breakdown's text is taken per row below (it may read any column: breakdownSql).
  const breakdown = spec.breakdown
    ? dialect.argMinIf(raw('bsrc'), [raw('timestamp'), raw('seq')], raw('code = 0'))
    : sql`''`;
  const source = spec.breakdown ? sql`, ${breakdownSql(spec.breakdown, dialect)} AS bsrc` : raw('');
  return sql`SELECT unit, sum(CASE WHEN code = 0 THEN 1 ELSE 0 END) AS n0, ${join(perStep)},
      ${breakdown} AS bval
    FROM (SELECT ${unit} AS unit, event, timestamp, seq${source}, ${code} END AS code
          FROM events WHERE ${scope.where} AND ${unit} <> '' AND ${funnelEventsCondition(spec, dialect)}) AS e
    GROUP BY unit
    HAVING sum(CASE WHEN code = 0 THEN 1 ELSE 0 END) > 0`;
}

/**
 * Adds f, the furthest step reached from the earliest start, then the complex flag. Reached
 * steps are reached at t_k = lo_k, so step k is reached when every j <= k has
 * lo_j >= lo_{j-1} and lo_j <= lo_0 + window: f is the number of leading steps that pass.
 * Each condition is written once (nesting a level per t_k made the engine expand t_{k-1} twice
 * per level, 2^k copies). Only step f + 1 can be complex: a reached step passes both tests.
 */
function chain(aggregates: SqlFragment, spec: FunnelSpec): SqlFragment {
  const window = sql`${spec.window_ms}`;
  const columns = ['unit', 'n0', 'bval', ...spec.steps.flatMap((_, k) => [`lo${k}`, `hi${k}`])].join(', ');
  const lo = (k: number) => raw(`lo${k}`);
  const hi = (k: number) => raw(`hi${k}`);
  // A searched CASE whose conditions are themselves CASEs: NULL comparisons count as "not passed"
  // on every engine (ClickHouse 18.16 has no three-valued AND/OR).
  let f = raw('CASE');
  for (let k = 1; k < spec.steps.length; k++) {
    const passes = sql`CASE WHEN ${lo(k)} >= ${lo(k - 1)} AND ${lo(k)} <= lo0 + ${window} THEN 1 ELSE 0 END`;
    f = sql`${f} WHEN ${passes} = 0 THEN ${n(k - 1)}`;
  }
  f = sql`${f} ELSE ${n(spec.steps.length - 1)} END`;
  const complex = spec.steps.slice(1).map(
    (_, i) => sql`CASE WHEN f = ${n(i)} AND ${hi(i + 1)} >= ${lo(i)}
        AND (${lo(i + 1)} < ${lo(i)} OR (${lo(i + 1)} > lo0 + ${window} AND n0 > 1)) THEN 1 ELSE 0 END`,
  );
  return sql`SELECT ${raw(columns)}, f, ${join(complex, ' + ')} AS cplx
    FROM (SELECT ${raw(columns)}, ${f} AS f FROM (${aggregates}) AS a) AS reached`;
}

/** Adds `ms:units,ms:units,…` (non-negative integers) to a time → units map, without splitting strings. */
function addPackedTimes(times: Map<number, number>, packed: string): void {
  let ms = 0;
  let units = 0;
  let inUnits = false;
  for (let i = 0; i <= packed.length; i++) {
    const c = i < packed.length ? packed.charCodeAt(i) : 44;
    if (c === 58)
      inUnits = true; // ':'
    else if (c === 44) {
      // ','
      if (inUnits) times.set(ms, (times.get(ms) ?? 0) + units);
      ms = 0;
      units = 0;
      inUnits = false;
    } else if (inUnits) units = units * 10 + (c - 48);
    else ms = ms * 10 + (c - 48);
  }
}

/** Runs the SQL part of the funnel; see the comment at the top. */
export async function loadChainTallies(
  ctx: QueryContext,
  spec: FunnelSpec,
  options: ChainOptions,
): Promise<ChainResult> {
  const { dialect } = ctx.engine;
  const steps = spec.steps.length;
  const split = isFiltered(spec) ? null : await splitRange(ctx, spec.time_range, stepEvents(spec));
  const chained = chain(unitAggregates(ctx, spec, split), spec);
  const frictionColumns = options.friction ? FRICTION_KINDS : [];
  const stepTimes = Array.from({ length: steps }, (_, k) => `lo${k}`);
  // Each unit (a session) joined to the factors the processor stored for it: 1 / 0 per factor.
  const withFriction = options.friction
    ? sql`SELECT ${raw(['unit', 'bval', 'cplx', 'f', ...stepTimes].map((c) => `c.${c} AS ${c}`).join(', '))},
          ${raw(FRICTION_KINDS.map((kind) => `coalesce(s.${kind}, 0) AS ${kind}`).join(', '))}
        FROM (${chained}) AS c LEFT JOIN (${sessionFactorFlags(dialect, ctx.projectId)}) AS s ON c.unit = s.unit`
    : chained;
  const friction = raw(frictionColumns.map((c) => `, ${c}`).join(''));
  const perUnit = sql`SELECT unit, bval, cplx, f, ${raw(stepTimes.join(', '))}${friction},
      ${options.times ? dialect.rowPerIndex(steps) : raw('0')} AS k
    FROM (${withFriction}) AS c`;
  // A searched CASE: ClickHouse 18.16 turns `CASE k WHEN …` into transform(), which needs constant results.
  let delta = raw('CASE');
  for (let k = 1; k < steps; k++) delta = sql`${delta} WHEN k = ${n(k)} THEN ${raw(`lo${k} - lo${k - 1}`)}`;
  const sums = frictionColumns.map((c) => `, sum(CASE WHEN k = 0 THEN ${c} ELSE 0 END) AS ${c}`).join('');
  const resums = frictionColumns.map((c) => `, sum(${c}) AS ${c}`).join('');
  // k = 0 rows carry one row per unit (count by furthest step, friction); k >= 1 rows the times.
  const byTime = sql`SELECT CASE WHEN cplx > 0 THEN 1 ELSE 0 END AS complex, bval, k,
      CASE WHEN k = 0 THEN f ELSE 0 END AS fk, ${delta} ELSE 0 END AS d, count(*) AS units${raw(sums)}
    FROM (${perUnit}) AS x
    WHERE (cplx > 0 AND k = 0) OR (cplx = 0 AND f >= k)
    GROUP BY complex, bval, k, fk, d`;
  const packed = dialect.stringAgg(
    sql`concat(${dialect.toText(raw('d'))}, ':', ${dialect.toText(raw('units'))})`,
    ',',
  );
  const rows = await ctx.engine.query(
    sql`SELECT complex, bval, k, fk, sum(units) AS unit_count, ${packed} AS times${raw(resums)}
        FROM (${byTime}) AS g GROUP BY complex, bval, k, fk`,
  );
  const tallies = new Map<string, FunnelTally>();
  let complexUnits = 0;
  for (const row of rows) {
    const units = Number(row['unit_count']);
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
      addPackedTimes(tally.times[k] as Map<number, number>, String(row['times'] ?? ''));
    }
  }
  // Which units are complex depends on neither the breakdown nor friction: the follow-up query
  // re-runs the chain without them (the breakdown's property reads are the costly part).
  const plainSpec = { ...spec, breakdown: undefined };
  const plainChain = chain(unitAggregates(ctx, plainSpec, split), plainSpec);
  return { tallies, complexUnits, complexUnitIds: sql`SELECT unit FROM (${plainChain}) AS c WHERE cplx > 0` };
}
