import {
  DEFAULT_FUNNEL_STEPS,
  DEFAULT_FUNNEL_WINDOW_MS,
  type FunnelResult,
  funnelArgs,
} from '@sightline/schema';
import { raw, type SqlFragment, sql } from '../../sql/sql.js';
import { type FrictionCounts, frictionBySession } from '../friction-signals.js';
import { defineQuery, type QueryContext } from '../registry.js';
import { eventScope } from '../scope.js';
import { loadChainTallies } from './chain.js';
import { visitFunnelOutcomes } from './outcomes.js';
import { type FunnelSpec, startCondition, stepsAreDisjoint } from './spec.js';
import {
  addOutcome,
  emptyTally,
  type FunnelTally,
  mergeTally,
  reachedCounts,
  summarizeTally,
} from './tally.js';

export type { FunnelResult, FunnelSpec };
export { DEFAULT_FUNNEL_STEPS, DEFAULT_FUNNEL_WINDOW_MS, funnelArgs };
/** Breakdown values beyond this many (by units that started, most first) are left out. */
export const MAX_BREAKDOWN_VALUES = 50;

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
 * (chain.ts); TypeScript matches the rest, and every unit when step event names repeat (with or
 * without step filters).
 */
export async function loadFunnelTallies(
  ctx: QueryContext,
  spec: FunnelSpec,
  options: TallyOptions = { friction: false },
): Promise<Map<string, FunnelTally>> {
  if (!stepsAreDisjoint(spec)) {
    const { dialect } = ctx.engine;
    const [started] = await ctx.engine.query(
      sql`SELECT ${dialect.countDistinct(raw(spec.unit === 'user' ? 'distinct_id' : 'session_id'))} AS n
          FROM events WHERE ${eventScope(ctx.projectId, spec.time_range, ctx.now).where} AND ${startCondition(spec, dialect)}`,
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
