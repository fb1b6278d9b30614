import type { FunnelStepResult } from '@sightline/schema';
import type { FunnelEvent, Run } from './funnel-event.js';
import { overlappingRun } from './overlapping-run.js';

export type { FunnelEvent, FunnelStepResult, Run };

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
 * The run from `start` when any two steps match the same events or none in common: each next
 * step takes the earliest unused matching event not earlier than the previous step and within
 * the window of the start.
 */
function greedyRun(
  events: readonly FunnelEvent[],
  positionsByStep: readonly number[][],
  start: number,
  windowMs: number,
): Run {
  const origin = (events[start] as FunnelEvent).timestamp;
  const used = new Set<number>([start]);
  const timesMs = [0];
  let previous = origin;
  for (let k = 1; k < positionsByStep.length; k++) {
    const positions = positionsByStep[k] as number[];
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
  return { furthest: timesMs.length - 1, timesMs };
}

/**
 * One unit's result (docs/SEMANTICS.md, "Funnel"). Every step-1 event is a start; from a start,
 * each next step takes the earliest matching event at or after the previous step (and within the
 * window of the start) that no earlier step of the run took. Taking the earliest is never worse,
 * so this finds the furthest step a start can reach, with the earliest step times.
 *
 * `overlapping`: some steps match some events in common but not all (the same event name with
 * different step filters). Then events of equal time may serve the steps in either order and
 * the greedy choice alone can strand a later step; overlapping-run.ts matches those.
 * Returns null when the unit never started.
 */
export function unitOutcome(
  unitEvents: FunnelEvent[],
  stepCount: number,
  windowMs: number,
  overlapping = false,
): UnitOutcome | null {
  const events = [...unitEvents].sort(byTime);
  const positionsByStep: number[][] = Array.from({ length: stepCount }, () => []);
  events.forEach((e, i) => {
    for (let k = 0; k < stepCount; k++)
      if ((e.steps & (1 << k)) !== 0) (positionsByStep[k] as number[]).push(i);
  });
  const starts = positionsByStep[0] as number[];
  if (starts.length === 0) return null;
  const runFrom = overlapping
    ? overlappingRun(events, stepCount, windowMs)
    : (start: number) => greedyRun(events, positionsByStep, start, windowMs);
  let best: Run | null = null;
  for (const start of starts) {
    const run = runFrom(start);
    if (!best || run.furthest > best.furthest) best = run;
    if (run.furthest === stepCount - 1) break;
  }
  const first = events[starts[0] as number] as FunnelEvent;
  return { unit: first.unit, breakdown: first.breakdown, ...(best as Run) };
}
