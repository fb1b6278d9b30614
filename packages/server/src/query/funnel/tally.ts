import { emptyFriction, FRICTION_KINDS, type FrictionCounts } from '../friction-signals.js';
import type { FunnelStepResult, UnitOutcome } from './core.js';
import { type FunnelStep, stepEvent } from './spec.js';

/**
 * A funnel reduced to what its report needs, so units never have to leave the engine one by one:
 * how many units stopped at each step, and the multiset of times to convert per step as
 * value → count (ms values repeat a lot, so this stays small however many units there are).
 * Tallies add up exactly, which lets SQL-computed and TypeScript-computed units share one report.
 */
export interface FunnelTally {
  /** byFurthest[f]: units whose furthest step index (0-based) is f. */
  byFurthest: number[];
  /** times[k] for k >= 1: time to convert into step k (ms) → units that reached k with it. */
  times: Array<Map<number, number>>;
  /** Friction of the units by their furthest step (session funnels, when asked for). */
  frictionByFurthest: FrictionCounts[];
}

export function emptyTally(stepCount: number): FunnelTally {
  return {
    byFurthest: new Array<number>(stepCount).fill(0),
    times: Array.from({ length: stepCount }, () => new Map<number, number>()),
    frictionByFurthest: Array.from({ length: stepCount }, emptyFriction),
  };
}

export function addTime(tally: FunnelTally, step: number, ms: number, units: number): void {
  const times = tally.times[step] as Map<number, number>;
  times.set(ms, (times.get(ms) ?? 0) + units);
}

export function addFriction(tally: FunnelTally, furthest: number, friction: FrictionCounts): void {
  const totals = tally.frictionByFurthest[furthest] as FrictionCounts;
  for (const kind of FRICTION_KINDS) totals[kind] += friction[kind];
}

/** Adds one unit computed in TypeScript (core.ts). */
export function addOutcome(tally: FunnelTally, outcome: UnitOutcome, friction?: FrictionCounts): void {
  tally.byFurthest[outcome.furthest] = (tally.byFurthest[outcome.furthest] ?? 0) + 1;
  for (let k = 1; k <= outcome.furthest; k++) addTime(tally, k, outcome.timesMs[k] as number, 1);
  if (friction) addFriction(tally, outcome.furthest, friction);
}

export function mergeTally(into: FunnelTally, from: FunnelTally): void {
  from.byFurthest.forEach((units, f) => {
    into.byFurthest[f] = (into.byFurthest[f] ?? 0) + units;
  });
  from.times.forEach((times, k) => {
    for (const [ms, units] of times) addTime(into, k, ms, units);
  });
  from.frictionByFurthest.forEach((friction, f) => {
    addFriction(into, f, friction);
  });
}

/** Units that reached step k or further. */
export function reachedCounts(tally: FunnelTally): number[] {
  const counts = new Array<number>(tally.byFurthest.length).fill(0);
  let running = 0;
  for (let f = tally.byFurthest.length - 1; f >= 0; f--) {
    running += tally.byFurthest[f] ?? 0;
    counts[f] = running;
  }
  return counts;
}

/**
 * Nearest-rank quantiles (docs/SEMANTICS.md "Percentiles", as query/percentile.ts) of a value →
 * count multiset, for ascending qs at once: one sort of the distinct values (tens of thousands of
 * distinct times at 10 M events), as a typed array so it sorts numerically without a comparator.
 */
export function nearestRanksOfCounts(
  values: ReadonlyMap<number, number>,
  qs: readonly number[],
): Array<number | null> {
  let total = 0;
  for (const units of values.values()) total += units;
  if (total === 0) return qs.map(() => null);
  const sorted = Float64Array.from(values.keys()).sort();
  const answers: Array<number | null> = [];
  let seen = 0;
  let i = 0;
  for (const q of qs) {
    const rank = Math.min(total, Math.max(1, Math.ceil(q * total)));
    while (seen < rank && i < sorted.length) seen += values.get(sorted[i++] as number) as number;
    answers.push(sorted[i - 1] ?? null);
  }
  return answers;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/**
 * Per-step counts, rates and times to convert (docs/SEMANTICS.md, "Funnel", point 5); a step given
 * as `{ event, filters }` is named by its event and keeps its filters.
 */
export function summarizeTally(steps: readonly FunnelStep[], tally: FunnelTally): FunnelStepResult[] {
  const counts = reachedCounts(tally);
  return steps.map((given, k) => {
    const count = counts[k] ?? 0;
    const previous = k === 0 ? count : (counts[k - 1] ?? 0);
    const [median, p95] =
      k === 0 ? [null, null] : nearestRanksOfCounts(tally.times[k] ?? new Map<number, number>(), [0.5, 0.95]);
    return {
      step: stepEvent(given),
      ...(typeof given === 'string' ? {} : { filters: [...(given.filters ?? [])] }),
      count,
      conversion_from_first: ratio(count, counts[0] ?? 0),
      conversion_from_previous: ratio(count, previous),
      drop_off: previous > 0 ? 1 - count / previous : 0,
      median_time_to_convert_ms: median ?? null,
      p95_time_to_convert_ms: p95 ?? null,
    };
  });
}
