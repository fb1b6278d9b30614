import { DEFAULT_FUNNEL_STEPS, DEFAULT_FUNNEL_WINDOW_MS } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISK_FACTORS } from '../../src/friction/catalogue.js';
import { dropOffRecommendation, dropOffsQuery } from '../../src/query/drop-offs.js';
import { dominantFriction, emptyFriction, type FrictionCounts } from '../../src/query/friction-signals.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { processAll, storedOutputs } from '../processor/support.js';
import { referenceFunnel } from '../query/funnel-reference.js';
import { runQuery } from '../query/support.js';
import { CLICKHOUSE, DUCKDB } from '../support/engines.js';
import { edgeRows, PROJECT, simulatedRows, T0 } from './sessions.js';

const SIMULATED = 240;
const STEPS = [...DEFAULT_FUNNEL_STEPS];

/** The furthest funnel step (index) each session reached, by the brute-force reference funnel. */
function furthestSteps(rows: readonly EventRow[]): Map<string, number> {
  const bySession = new Map<string, EventRow[]>();
  for (const r of rows) bySession.set(r.session_id, [...(bySession.get(r.session_id) ?? []), r]);
  const furthest = new Map<string, number>();
  for (const [sessionId, events] of bySession) {
    const ref = referenceFunnel(
      events.map((e, seq) => ({
        unit: sessionId,
        event: e.event,
        timestamp: e.timestamp,
        seq,
        breakdown: '',
      })),
      STEPS,
      DEFAULT_FUNNEL_WINDOW_MS,
      false,
    );
    const reached = ref.steps.filter((s) => s.count > 0).length;
    if (reached > 0) furthest.set(sessionId, reached - 1);
  }
  return furthest;
}

describe.each([DUCKDB, CLICKHOUSE])('friction agreement on $name', (kind) => {
  let engine: StorageEngine;
  const rows = [...simulatedRows(SIMULATED, 4242), ...edgeRows()];
  /** Factor ids the processor stored per session. */
  const stored = new Map<string, Set<string>>();
  /** Factor ids of the session's user_at_risk insights. */
  const insightFactors = new Map<string, Set<string>>();

  beforeAll(async () => {
    engine = (await kind.open()).engine;
    for (let i = 0; i < rows.length; i += 5000) await engine.insertEvents(rows.slice(i, i + 5000));
    const processor = await processAll(engine, [], { batchSize: 5000 });
    await processor.stop();
    const outputs = await storedOutputs(engine);
    for (const f of outputs.friction) {
      const factors = f['factors'] as Record<string, number>;
      stored.set(String(f['session_id']), new Set(Object.keys(factors).filter((k) => factors[k]! > 0)));
    }
    for (const insight of outputs.insights) {
      if (insight['insight_type'] !== 'user_at_risk') continue;
      const set = insightFactors.get(String(insight['session_id'])) ?? new Set<string>();
      for (const f of (insight['data'] as { risk_factors: string[] }).risk_factors) set.add(f);
      insightFactors.set(String(insight['session_id']), set);
    }
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('the insights feed and the stored friction name the same factors for every session', () => {
    const sessions = new Set([...stored.keys(), ...insightFactors.keys()]);
    expect(sessions.size).toBeGreaterThan(60);
    for (const id of sessions)
      expect([...(insightFactors.get(id) ?? [])].sort(), id).toEqual([...(stored.get(id) ?? [])].sort());
    // Every factor is met somewhere, so the agreement below covers each.
    for (const factor of RISK_FACTORS)
      expect(
        [...stored.values()].some((s) => s.has(factor)),
        factor,
      ).toBe(true);
  });

  it('threshold edges: one unit over is detected, at the limit is not', () => {
    const has = (session: string, factor: string) => stored.get(`edge-${session}`)?.has(factor) ?? false;
    expect(has('rage-yes', 'rage_click')).toBe(true);
    expect(has('rage-far', 'rage_click')).toBe(false);
    expect(has('rage-slow', 'rage_click')).toBe(false);
    expect(has('rapid-yes', 'rapid_clicking')).toBe(true);
    expect(has('rapid-no', 'rapid_clicking')).toBe(false);
    expect(has('slow-yes', 'slow_page')).toBe(true);
    expect(has('slow-no', 'slow_page')).toBe(false);
    expect(has('error-yes', 'error_encountered')).toBe(true);
    expect(has('error-named', 'error_encountered')).toBe(false);
    expect(has('dead-yes', 'dead_click')).toBe(true);
    expect(has('stall-yes', 'upload_stall')).toBe(true);
    expect(has('stall-no', 'upload_stall')).toBe(false);
  });

  it('drop_offs attributes to every step exactly the factors the processor stored for the sessions that dropped there', async () => {
    const furthest = furthestSteps(rows);
    const expected: FrictionCounts[] = STEPS.map(() => emptyFriction());
    const dropped = STEPS.map(() => 0);
    for (const [sessionId, f] of furthest) {
      dropped[f]!++;
      for (const factor of stored.get(sessionId) ?? []) expected[f]![factor as keyof FrictionCounts]++;
    }
    const started = performance.now();
    const result = await runQuery(
      engine,
      dropOffsQuery,
      PROJECT,
      { time_range: { from: T0 - 1000, to: T0 + 30 * 3_600_000 }, threshold: 0 },
      T0 + 31 * 3_600_000,
    );
    console.log(
      `drop_offs over ${rows.length} events, ${furthest.size} sessions on ${kind.name}: ${(performance.now() - started).toFixed(0)} ms`,
    );
    const points = result.drop_off_points;
    const droppedSteps = STEPS.map((_, k) => k).filter((k) => k > 0 && dropped[k - 1]! > 0);
    expect(points.map((p) => p.step)).toEqual(droppedSteps.map((k) => STEPS[k]));
    for (const point of points) {
      const k = STEPS.indexOf(point.step as (typeof STEPS)[number]);
      const want = expected[k - 1]!;
      expect(point.dropped_sessions, point.step).toBe(dropped[k - 1]);
      expect(point.friction, point.step).toEqual(want);
      expect(point.dominant_friction, point.step).toBe(dominantFriction(want));
      expect(point.recommendation, point.step).toBe(dropOffRecommendation(dominantFriction(want)));
    }
    const attributed = points.reduce(
      (sum, p) => sum + Object.values(p.friction).reduce((a, b) => a + b, 0),
      0,
    );
    console.log(`friction attributed at drop-off points: ${attributed} session-factors`);
    expect(attributed).toBeGreaterThan(30);
  });
});
