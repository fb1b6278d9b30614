import type { QueryFilter } from '@sightline/schema';
import type { EventRow } from '../../src/storage/engine.js';
import { matchesFilters } from './filters-reference.js';

/**
 * A brute-force funnel, written from docs/SEMANTICS.md alone (no code shared with the engine's):
 * it tries every chain of distinct events, so it is slow and obviously right. Global filters are
 * the caller's to apply (pass only the events meeting them); a step's own filters are read here.
 */
export type RefFunnelStep = string | { event: string; filters?: QueryFilter[] };

const nameOf = (step: RefFunnelStep): string => (typeof step === 'string' ? step : step.event);

function matchesStep(e: RefEvent, step: RefFunnelStep): boolean {
  if (e.event !== nameOf(step)) return false;
  if (typeof step === 'string' || !step.filters?.length) return true;
  if (!e.row) throw new Error("a step with filters needs the events' rows");
  return matchesFilters(e.row, step.filters);
}

export interface RefEvent {
  unit: string;
  event: string;
  timestamp: number;
  /** Arrival order (the engine's seq order). */
  seq: number;
  breakdown: string;
  /** The stored row, for steps with filters. */
  row?: EventRow;
}

export interface RefStep {
  step: string;
  filters?: QueryFilter[];
  count: number;
  conversion_from_first: number;
  conversion_from_previous: number;
  drop_off: number;
  median_time_to_convert_ms: number | null;
  p95_time_to_convert_ms: number | null;
}

interface RefOutcome {
  furthest: number;
  times: number[];
  breakdown: string;
}

function refUnit(events: RefEvent[], steps: RefFunnelStep[], windowMs: number): RefOutcome | null {
  const starts = events
    .filter((e) => matchesStep(e, steps[0] as RefFunnelStep))
    .sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
  if (starts.length === 0) return null;
  let best: { furthest: number; chain: number[] } | null = null;
  for (const start of starts) {
    let bestHere: { furthest: number; chain: number[] } = { furthest: 0, chain: [start.timestamp] };
    const walk = (k: number, chain: RefEvent[]) => {
      const depth = chain.length - 1;
      const ts = chain.map((e) => e.timestamp);
      const better =
        depth > bestHere.furthest ||
        (depth === bestHere.furthest &&
          ts.join(',') !== bestHere.chain.join(',') &&
          lexLess(ts, bestHere.chain));
      if (better) bestHere = { furthest: depth, chain: ts };
      if (k >= steps.length) return;
      const previous = chain[chain.length - 1] as RefEvent;
      for (const e of events) {
        if (!matchesStep(e, steps[k] as RefFunnelStep) || chain.includes(e)) continue;
        if (e.timestamp < previous.timestamp || e.timestamp - start.timestamp > windowMs) continue;
        walk(k + 1, [...chain, e]);
      }
    };
    walk(1, [start]);
    if (!best || bestHere.furthest > best.furthest) best = bestHere;
  }
  const chosen = best as { furthest: number; chain: number[] };
  return {
    furthest: chosen.furthest,
    times: chosen.chain.map((t, i) => (i === 0 ? 0 : t - (chosen.chain[i - 1] as number))),
    breakdown: (starts[0] as RefEvent).breakdown,
  };
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return false;
}

function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const index = Math.max(0, Math.ceil(q * sorted.length) - 1);
  return sorted[index] as number;
}

function refSummary(steps: RefFunnelStep[], outcomes: RefOutcome[]): RefStep[] {
  const reached = (k: number) => outcomes.filter((o) => o.furthest >= k);
  const first = reached(0).length;
  return steps.map((step, k) => {
    const count = reached(k).length;
    const previous = k === 0 ? first : reached(k - 1).length;
    const times = k === 0 ? [] : reached(k).map((o) => o.times[k] as number);
    return {
      step: nameOf(step),
      ...(typeof step === 'string' ? {} : { filters: step.filters ?? [] }),
      count,
      conversion_from_first: first === 0 ? 0 : count / first,
      conversion_from_previous: previous === 0 ? 0 : count / previous,
      drop_off: previous === 0 ? 0 : 1 - count / previous,
      median_time_to_convert_ms: percentile(times, 0.5),
      p95_time_to_convert_ms: percentile(times, 0.95),
    };
  });
}

export function referenceFunnel(
  events: RefEvent[],
  steps: RefFunnelStep[],
  windowMs: number,
  withBreakdown: boolean,
): { steps: RefStep[]; breakdowns?: Array<{ value: string; steps: RefStep[] }> } {
  const units = new Map<string, RefEvent[]>();
  for (const e of events) units.set(e.unit, [...(units.get(e.unit) ?? []), e]);
  const outcomes = [...units.values()]
    .map((list) => refUnit(list, steps, windowMs))
    .filter((o): o is RefOutcome => o !== null);
  const result: { steps: RefStep[]; breakdowns?: Array<{ value: string; steps: RefStep[] }> } = {
    steps: refSummary(steps, outcomes),
  };
  if (withBreakdown) {
    const values = [...new Set(outcomes.map((o) => o.breakdown))];
    result.breakdowns = values
      .map((value) => ({ value, group: outcomes.filter((o) => o.breakdown === value) }))
      .sort((a, b) => b.group.length - a.group.length || (a.value < b.value ? -1 : 1))
      .map(({ value, group }) => ({ value, steps: refSummary(steps, group) }));
  }
  return result;
}
