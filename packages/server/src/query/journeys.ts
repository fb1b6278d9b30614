import { type JourneySummary, type JourneysResult, journeysArgs, resolveTimeRange } from '@sightline/schema';
import { sql } from '../sql/sql.js';
import type { JourneyStepRecord } from '../storage/processor-records.js';
import { andMaybe, sessionsInRangeMeetingFilters } from './filtered-sessions.js';
import { nearestRank } from './percentile.js';
import { defineQuery } from './registry.js';

interface StepAccumulator {
  reached: number;
  abandoned: number;
  durations: number[];
}

function summarize(name: string, rows: ReadonlyArray<Record<string, unknown>>): JourneySummary {
  const count = (status: string) => rows.filter((r) => r['status'] === status).length;
  const durations = rows
    .filter((r) => r['status'] === 'completed' && r['total_duration'] !== null)
    .map((r) => Number(r['total_duration']))
    .sort((a, b) => a - b);
  const reasons = new Map<string, number>();
  const steps = new Map<string, StepAccumulator>();
  for (const row of rows) {
    const path = JSON.parse(String(row['steps'])) as JourneyStepRecord[];
    // A journey that passes a step twice reaches it once.
    const seen = new Set<string>();
    path.forEach((s, i) => {
      const acc = steps.get(s.step) ?? { reached: 0, abandoned: 0, durations: [] };
      steps.set(s.step, acc);
      if (!seen.has(s.step)) acc.reached++;
      seen.add(s.step);
      if (i > 0) acc.durations.push(s.duration);
    });
    if (row['status'] === 'abandoned') {
      const last = path[path.length - 1];
      if (last) steps.get(last.step)!.abandoned++;
      const reason = String(row['abandon_reason'] ?? 'unknown');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  const started = rows.length;
  const completed = count('completed');
  return {
    journey_name: name,
    started,
    completed,
    abandoned: count('abandoned'),
    active: count('active'),
    completion_rate: started > 0 ? completed / started : 0,
    median_duration_ms: nearestRank(durations, 0.5),
    abandon_reasons: [...reasons]
      .map(([reason, n]) => ({ reason, count: n }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    steps: [...steps].map(([step, acc]) => ({
      step,
      reached: acc.reached,
      abandoned: acc.abandoned,
      median_duration_ms: nearestRank(
        acc.durations.sort((a, b) => a - b),
        0.5,
      ),
    })),
  };
}

/**
 * Journeys the processor stored (docs/SEMANTICS.md, Journeys), per journey name: started / completed / abandoned,
 * completion rate, median duration, and per step how many reached it, abandoned at it, and the
 * median time it took from the step before. A journey counts in the range it started in. With the
 * common `filters`, only journeys of sessions with an event in the range meeting every filter.
 */
export const journeysQuery = defineQuery({
  name: 'journeys',
  // Events too: with filters, an event can bring a session (and its journeys) into the answer.
  reads: ['journeys'],
  args: journeysArgs,
  async run({ engine, projectId, now }, args): Promise<JourneysResult> {
    const { from, to } = resolveTimeRange(args.time_range, now);
    const name = args.journey_name ? sql` AND journey_name = ${args.journey_name}` : sql``;
    const sessions = sessionsInRangeMeetingFilters(engine.dialect, projectId, { from, to }, args.filters);
    const rows = await engine.query(
      sql`SELECT journey_name, status, steps, total_duration, abandon_reason FROM journeys
          WHERE project_id = ${projectId} AND started_at >= ${from} AND started_at < ${to}${name}${andMaybe(sessions)}
          ORDER BY journey_name, started_at, id`,
    );
    const byName = new Map<string, Array<Record<string, unknown>>>();
    for (const row of rows) {
      const key = String(row['journey_name']);
      const group = byName.get(key) ?? [];
      group.push(row);
      byName.set(key, group);
    }
    return { journeys: [...byName].map(([journeyName, group]) => summarize(journeyName, group)) };
  },
});
