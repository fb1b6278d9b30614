import {
  DEFAULT_FUNNEL_STEPS,
  DEFAULT_FUNNEL_WINDOW_MS,
  type FunnelResult,
  funnelArgs,
  type TimeRange,
} from '@sightline/schema';
import { type FrictionCounts, frictionBySession } from './friction-signals.js';
import { loadChainTallies } from './funnel-chain.js';
import { type FunnelEvent, type UnitOutcome, unitOutcome } from './funnel-core.js';
import {
  addOutcome,
  emptyTally,
  type FunnelTally,
  mergeTally,
  reachedCounts,
  summarizeTally,
} from './funnel-tally.js';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope, inList } from './scope.js';
import { raw, type SqlFragment, sql } from './sql.js';

export type { FunnelResult };
export { DEFAULT_FUNNEL_STEPS, DEFAULT_FUNNEL_WINDOW_MS, funnelArgs };
/** Breakdown values beyond this many (by units that started, most first) are left out. */
export const MAX_BREAKDOWN_VALUES = 50;

export interface FunnelSpec {
  time_range: TimeRange;
  steps: string[];
  unit: 'session' | 'user';
  window_ms: number;
  breakdown?: string | undefined;
}

/** Units are packed into this many result rows: moving rows out of the engine is what costs. */
const PACKED_ROWS = 64;
/** At most about this many units are matched at once, so memory stays bounded however many there are. */
const UNITS_PER_CHUNK = 50_000;

/**
 * Each unit's outcome, matched in TypeScript (funnel-core.ts), the same for every engine: for
 * funnels that repeat a step name, and for the units the SQL chain leaves open (funnel-chain.ts).
 * SQL narrows to the step events of units that started in the range (a plain filter and an IN
 * sub-query, valid on every engine), optionally only units in `onlyUnits` (a query of unit ids),
 * and packs them as text: per unit `hex(unit)=hex(breakdown)=name:timestamp:seq,…`, units joined
 * by ';' into PACKED_ROWS rows. With more than UNITS_PER_CHUNK units (`expectedUnits`), units are
 * split by a hash into chunks read one after another; `visit` sees each outcome once.
 */
export async function visitFunnelOutcomes(
  ctx: QueryContext,
  spec: FunnelSpec,
  onlyUnits: SqlFragment | null,
  expectedUnits: number,
  visit: (outcome: UnitOutcome) => void,
  unitsPerChunk = UNITS_PER_CHUNK,
): Promise<void> {
  const { engine, projectId, now } = ctx;
  const { dialect } = engine;
  const scope = eventScope(projectId, spec.time_range, now);
  const unit = raw(spec.unit === 'user' ? 'distinct_id' : 'session_id');
  const names = [...new Set(spec.steps)];
  // A searched CASE: ClickHouse 18.16 answers NULL for `CASE event WHEN 'a' THEN 0 … END`.
  let code = raw('CASE');
  names.forEach((name, i) => {
    code = sql`${code} WHEN event = ${name} THEN ${raw(String(i))}`;
  });
  const text = dialect.toText;
  const event = sql`concat(${text(sql`${code} END`)}, ':', ${text(raw('timestamp'))}, ':', ${text(raw('seq'))})`;
  const startedUnits =
    onlyUnits ?? sql`SELECT ${unit} FROM events WHERE ${scope.where} AND event = ${spec.steps[0] as string}`;
  // The unit's breakdown: the property on its earliest start (by timestamp, then seq).
  const breakdown = spec.breakdown
    ? dialect.argMinIf(
        dialect.jsonString(raw('properties'), spec.breakdown),
        [raw('timestamp'), raw('seq')],
        sql`event = ${spec.steps[0] as string}`,
      )
    : sql`''`;
  const chunks = Math.max(1, Math.ceil(expectedUnits / unitsPerChunk));
  for (let chunk = 0; chunk < chunks; chunk++) {
    const inChunk =
      chunks > 1 ? sql`AND ${dialect.hashBucket(unit, chunks)} = ${raw(String(chunk))}` : raw('');
    const perUnit = sql`SELECT ${unit} AS unit, min(seq) AS first_seq, ${breakdown} AS bval,
        ${dialect.stringAgg(event, ',')} AS events
      FROM events
      WHERE ${scope.where} AND ${inList(raw('event'), names)} AND ${unit} <> '' ${inChunk}
        AND ${unit} IN (${startedUnits})
      GROUP BY ${unit}`;
    const packedUnit = sql`concat(${dialect.hex(raw('unit'))}, '=', ${dialect.hex(raw('bval'))}, '=', events)`;
    const rows = await engine.query(
      sql`SELECT ${dialect.stringAgg(packedUnit, ';')} AS packed FROM (${perUnit}) AS units
          GROUP BY first_seq % ${raw(String(PACKED_ROWS))}`,
    );
    for (const row of rows) {
      for (const packed of String(row['packed'] ?? '').split(';')) {
        const outcome = unitOutcome(unpackUnit(packed, names), spec.steps, spec.window_ms);
        if (outcome) visit(outcome);
      }
    }
  }
}

function unpackUnit(packed: string, names: readonly string[]): FunnelEvent[] {
  const [hexUnit = '', hexBreakdown = '', list = ''] = packed.split('=');
  const unit = Buffer.from(hexUnit, 'hex').toString('utf8');
  const breakdown = Buffer.from(hexBreakdown, 'hex').toString('utf8');
  return list.split(',').map((item) => {
    const [nameIndex, timestamp, seq] = item.split(':');
    return {
      unit,
      event: names[Number(nameIndex)] as string,
      timestamp: Number(timestamp),
      seq: Number(seq),
      breakdown,
    };
  });
}

export interface TallyOptions {
  /** Also total the friction of the units by furthest step (session funnels; drop-off points). */
  friction: boolean;
  /** Also tally times to convert (default true; the overview reads counts only). */
  times?: boolean;
  /** Units matched in TypeScript at once (default UNITS_PER_CHUNK; tests make it tiny to split). */
  unitsPerChunk?: number;
}

/**
 * The funnel as tallies by breakdown value ('' without a breakdown): SQL decides most units
 * (funnel-chain.ts); TypeScript matches the rest, and every unit when step names repeat.
 */
export async function loadFunnelTallies(
  ctx: QueryContext,
  spec: FunnelSpec,
  options: TallyOptions = { friction: false },
): Promise<Map<string, FunnelTally>> {
  if (new Set(spec.steps).size < spec.steps.length) {
    const [started] = await ctx.engine.query(
      sql`SELECT ${ctx.engine.dialect.countDistinct(raw(spec.unit === 'user' ? 'distinct_id' : 'session_id'))} AS n
          FROM events WHERE ${eventScope(ctx.projectId, spec.time_range, ctx.now).where} AND event = ${spec.steps[0] as string}`,
    );
    return talliesInTypeScript(ctx, spec, options, null, Number(started?.['n'] ?? 0));
  }
  const chain = await loadChainTallies(ctx, spec, {
    friction: options.friction,
    times: options.times ?? true,
  });
  if (chain.complexUnits === 0) return chain.tallies;
  const rest = await talliesInTypeScript(ctx, spec, options, chain.complexUnitIds, chain.complexUnits);
  for (const [value, tally] of rest) {
    const into = chain.tallies.get(value);
    if (into) mergeTally(into, tally);
    else chain.tallies.set(value, tally);
  }
  return chain.tallies;
}

async function talliesInTypeScript(
  ctx: QueryContext,
  spec: FunnelSpec,
  options: TallyOptions,
  onlyUnits: SqlFragment | null,
  expectedUnits: number,
): Promise<Map<string, FunnelTally>> {
  // Friction is asked for on session funnels only, so the units are session ids.
  const friction = options.friction ? await frictionBySession(ctx, spec.time_range, onlyUnits) : null;
  const tallies = new Map<string, FunnelTally>();
  await visitFunnelOutcomes(
    ctx,
    spec,
    onlyUnits,
    expectedUnits,
    (outcome) => {
      let tally = tallies.get(outcome.breakdown);
      if (!tally) {
        tally = emptyTally(spec.steps.length);
        tallies.set(outcome.breakdown, tally);
      }
      addOutcome(tally, outcome, friction?.get(outcome.unit) as FrictionCounts | undefined);
    },
    options.unitsPerChunk,
  );
  return tallies;
}

/** All breakdown values together. */
export function totalTally(stepCount: number, tallies: ReadonlyMap<string, FunnelTally>): FunnelTally {
  // Without a breakdown there is one tally: it is the total (copying its times costs at 10 M events).
  if (tallies.size === 1) return tallies.values().next().value as FunnelTally;
  const total = emptyTally(stepCount);
  for (const tally of tallies.values()) mergeTally(total, tally);
  return total;
}

/** Each breakdown value's funnel, most units first (ties by value), at most MAX_BREAKDOWN_VALUES. */
function breakdowns(spec: FunnelSpec, tallies: ReadonlyMap<string, FunnelTally>): FunnelResult['breakdowns'] {
  return [...tallies.entries()]
    .map(([value, tally]) => ({ value, tally, units: reachedCounts(tally)[0] ?? 0 }))
    .sort((a, b) => b.units - a.units || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, MAX_BREAKDOWN_VALUES)
    .map(({ value, tally }) => ({ value, steps: summarizeTally(spec.steps, tally) }));
}

export async function runFunnel(
  ctx: QueryContext,
  spec: FunnelSpec,
  options: TallyOptions = { friction: false },
): Promise<FunnelResult> {
  const tallies = await loadFunnelTallies(ctx, spec, options);
  const steps = summarizeTally(spec.steps, totalTally(spec.steps.length, tallies));
  return spec.breakdown ? { steps, breakdowns: breakdowns(spec, tallies) } : { steps };
}

/** Ordered conversion funnel (docs/SEMANTICS.md, "Funnel"). */
export const funnelQuery = defineQuery({
  name: 'funnel',
  reads: ['events'],
  args: funnelArgs,
  run: (ctx, args): Promise<FunnelResult> => runFunnel(ctx, args),
});
