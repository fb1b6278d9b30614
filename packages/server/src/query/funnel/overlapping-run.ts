import type { FunnelEvent, Run } from './funnel-event.js';

/**
 * Runs of a unit whose steps overlap (docs/SEMANTICS.md, "Funnel"): two steps name the same event
 * with different filters, so some events match both and others one (page_view, then page_view on
 * /pricing). Events of equal timestamp may serve a run's steps in any order, so at each time the
 * run serves as many consecutive steps as that time's unused events can, found as a matching
 * (steps to distinct events) grown one step at a time by augmenting paths (Kuhn): a /pricing view
 * taken by the earlier step moves to the later one when a plain view can take its place. Serving
 * more steps at a time is never worse (those events are of no use at any later time), and moving
 * on to the earliest later time with a free matching event gives the earliest step times.
 */

const matches = (event: FunnelEvent, step: number): boolean => (event.steps & (1 << step)) !== 0;

/** The steps served at one time, by the events [first, end) of the sorted list. */
class SameTimeMatching {
  /** owner[i - first]: the step served by event i, or -1. */
  private readonly owner: Int32Array;
  /** seen[i - first] === stamp: event i visited by the current augmenting search. */
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(
    private readonly events: readonly FunnelEvent[],
    readonly first: number,
    readonly end: number,
    /** The run's start when it is among these events (it never moves), or -1. */
    private readonly start: number,
  ) {
    this.owner = new Int32Array(end - first).fill(-1);
    this.seen = new Int32Array(end - first);
  }

  /** Serves `step` with an event of this time, moving earlier steps' events when that frees one. */
  add(step: number): boolean {
    this.stamp++;
    return this.augment(step);
  }

  private augment(step: number): boolean {
    for (let i = this.first; i < this.end; i++) {
      const slot = i - this.first;
      if (i === this.start || this.seen[slot] === this.stamp) continue;
      if (!matches(this.events[i] as FunnelEvent, step)) continue;
      this.seen[slot] = this.stamp;
      const holder = this.owner[slot] as number;
      if (holder < 0 || this.augment(holder)) {
        this.owner[slot] = step;
        return true;
      }
    }
    return false;
  }
}

/** The run from a start (an index into `events`, sorted by time then seq), for each start asked. */
export function overlappingRun(
  events: readonly FunnelEvent[],
  stepCount: number,
  windowMs: number,
): (start: number) => Run {
  // [first, end) of the events sharing each event's timestamp.
  const firstOf = new Int32Array(events.length);
  const endOf = new Int32Array(events.length);
  for (let i = 0; i < events.length; ) {
    let end = i + 1;
    while (
      end < events.length &&
      (events[end] as FunnelEvent).timestamp === (events[i] as FunnelEvent).timestamp
    )
      end++;
    for (let j = i; j < end; j++) {
      firstOf[j] = i;
      endOf[j] = end;
    }
    i = end;
  }
  // next[k][i]: the first index >= i of an event matching step k (events.length when none).
  const next = Array.from({ length: stepCount }, (_, k) => {
    const column = new Int32Array(events.length + 1).fill(events.length);
    for (let i = events.length - 1; i >= 0; i--)
      column[i] = matches(events[i] as FunnelEvent, k) ? i : (column[i + 1] as number);
    return column;
  });
  return (start) => {
    const origin = (events[start] as FunnelEvent).timestamp;
    const timesMs = [0];
    let matching = new SameTimeMatching(events, firstOf[start] as number, endOf[start] as number, start);
    let previous = origin;
    for (let k = 1; k < stepCount; ) {
      if (matching.add(k)) {
        const at = (events[matching.first] as FunnelEvent).timestamp;
        timesMs.push(at - previous);
        previous = at;
        k++;
        continue;
      }
      // No event of this time is left for step k: on to the next time with one, within the window.
      const found = (next[k] as Int32Array)[matching.end] as number;
      if (found >= events.length || (events[found] as FunnelEvent).timestamp - origin > windowMs) break;
      matching = new SameTimeMatching(events, firstOf[found] as number, endOf[found] as number, -1);
    }
    return { furthest: timesMs.length - 1, timesMs };
  };
}
