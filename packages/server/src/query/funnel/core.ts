import type { FunnelStepResult } from '@sightline/schema';

export type { FunnelStepResult };
/** One stored event that matches some funnel step, as the funnel query fetches it. */
export interface FunnelEvent {
  unit: string;
  event: string;
  timestamp: number;
  seq: number;
  /** The breakdown property's value (only read from step-1 events; '' when missing). */
  breakdown: string;
}

export interface UnitOutcome {
  unit: string;
  /** 0-based index of the furthest step reached (0 = started). */
  furthest: number;
  /** timesMs[k] = ms from step k-1 to step k, for 1 <= k <= furthest (index 0 unused, 0). */
  timesMs: number[];
  /** The breakdown value of the unit's earliest start. */
  breakdown: string;
}

const byTime = (a: FunnelEvent, b: FunnelEvent) => a.timestamp - b.timestamp || a.seq - b.seq;

/** First index in `positions` (ascending event indices) whose event has timestamp >= ts. */
function lowerBound(events: readonly FunnelEvent[], positions: readonly number[], ts: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((events[positions[mid] as number] as FunnelEvent).timestamp < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One unit's result (docs/SEMANTICS.md, "Funnel"). Every step-1 event is a start; from a start,
 * each next step takes the earliest unused matching event not earlier than the previous step and
 * within the window of the start. Taking the earliest is never worse, so this greedy finds the
 * furthest step a start can reach. Returns null when the unit never started.
 */
export function unitOutcome(
  unitEvents: FunnelEvent[],
  steps: readonly string[],
  windowMs: number,
): UnitOutcome | null {
  const events = [...unitEvents].sort(byTime);
  const positionsByName = new Map<string, number[]>();
  events.forEach((e, i) => {
    const list = positionsByName.get(e.event);
    if (list) list.push(i);
    else positionsByName.set(e.event, [i]);
  });
  const starts = positionsByName.get(steps[0] as string) ?? [];
  if (starts.length === 0) return null;
  let best: { furthest: number; timesMs: number[] } | null = null;
  for (const start of starts) {
    const origin = (events[start] as FunnelEvent).timestamp;
    const used = new Set<number>([start]);
    const timesMs = [0];
    let previous = origin;
    for (let k = 1; k < steps.length; k++) {
      const positions = positionsByName.get(steps[k] as string) ?? [];
      let found = -1;
      for (let p = lowerBound(events, positions, previous); p < positions.length; p++) {
        const index = positions[p] as number;
        if (used.has(index)) continue;
        if ((events[index] as FunnelEvent).timestamp - origin <= windowMs) found = index;
        break;
      }
      if (found < 0) break;
      const ts = (events[found] as FunnelEvent).timestamp;
      used.add(found);
      timesMs.push(ts - previous);
      previous = ts;
    }
    const furthest = timesMs.length - 1;
    if (!best || furthest > best.furthest) best = { furthest, timesMs };
    if (furthest === steps.length - 1) break;
  }
  const first = events[starts[0] as number] as FunnelEvent;
  return {
    unit: first.unit,
    breakdown: first.breakdown,
    ...(best as { furthest: number; timesMs: number[] }),
  };
}
