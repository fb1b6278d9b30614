import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, generateSession, type SimulatedSession } from '../../src/simulate/index.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { openTestEngine, processAll, storedOutputs } from '../processor/support.js';

const SESSIONS = 400;
const T0 = 1_760_000_000_000;

/** Stored rows as the capture path would write them, received 80 ms after they happened. */
function toRows(sessions: SimulatedSession[]): EventRow[] {
  return sessions
    .flatMap((s) => s.events)
    .map((e) => ({
      project_id: 'p1',
      uuid: e.uuid,
      event: e.event,
      distinct_id: e.distinct_id,
      session_id: e.session_id,
      timestamp: e.timestamp,
      received_at: e.timestamp + 80,
      url: String(e.properties['url'] ?? ''),
      path: String(e.properties['path'] ?? ''),
      referrer: '',
      browser: '',
      os: '',
      device: '',
      properties: JSON.stringify(e.properties),
    }))
    .sort((a, b) => a.received_at - b.received_at);
}

describe('session generator', () => {
  it('is deterministic for a seed and keeps each session in time order', () => {
    const a = generateSession(createRng(42), T0);
    const b = generateSession(createRng(42), T0);
    expect(a).toEqual(b);
    expect(generateSession(createRng(43), T0).sessionId).not.toBe(a.sessionId);
    for (let i = 1; i < a.events.length; i++)
      expect(a.events[i]!.timestamp).toBeGreaterThanOrEqual(a.events[i - 1]!.timestamp);
  });

  it('walks the demo funnel with both journeys when nothing goes wrong', () => {
    const rng = createRng(7);
    const s = generateSession(rng, T0, { friction: { rageClicks: 0, errors: 0, stalls: 0, abandon: 0 } });
    const names = s.events.map((e) => e.event);
    const order = [
      'page_view',
      'page_performance',
      'file_selected',
      'upload_started',
      'upload_progress',
      'upload_complete',
      'analysis_started',
      'analysis_complete',
    ];
    const positions = order.map((n) => names.indexOf(n));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    expect(names.filter((n) => n === 'upload_progress')).toHaveLength(10);
    const journeys = s.events.filter((e) => e.event.startsWith('journey_'));
    expect(journeys.map((e) => `${e.event}:${e.properties['journey_name']}`)).toEqual([
      'journey_started:video_upload',
      'journey_step:video_upload',
      'journey_step:video_upload',
      'journey_completed:video_upload',
      'journey_started:video_analysis',
      'journey_step:video_analysis',
      'journey_completed:video_analysis',
    ]);
    expect(s).toMatchObject({ outcome: 'analysed', factors: [] });
  });

  it('friction shares follow the options', () => {
    const rng = createRng(99);
    const sessions = Array.from({ length: 2000 }, (_, i) =>
      generateSession(rng, T0 + i * 1000, {
        friction: { rageClicks: 0.2, errors: 0.1, stalls: 0, abandon: 0.5 },
      }),
    );
    const share = (f: (s: SimulatedSession) => boolean) => sessions.filter(f).length / sessions.length;
    expect(share((s) => s.outcome === 'abandoned')).toBeGreaterThan(0.45);
    expect(share((s) => s.factors.includes('upload_stall'))).toBe(0);
    // Rage clicks and errors only happen to sessions that get far enough.
    expect(share((s) => s.factors.includes('rage_click'))).toBeGreaterThan(0.1);
    expect(share((s) => s.factors.includes('error_encountered'))).toBeGreaterThan(0.04);
  });
});

describe('generated friction through the real stream processor', () => {
  let engine: StorageEngine;
  const rng = createRng(20_261_124);
  const sessions = Array.from({ length: SESSIONS }, (_, i) =>
    generateSession(rng, T0 + i * 9000, {
      friction: { rageClicks: 0.15, errors: 0.15, stalls: 0.15, abandon: 0.3 },
    }),
  );
  const found = new Map<string, Set<string>>();
  const journeyInsights = new Map<string, Set<string>>();

  beforeAll(async () => {
    ({ engine } = await openTestEngine());
    await processAll(engine, toRows(sessions), { batchSize: 2000 });
    for (const insight of (await storedOutputs(engine)).insights) {
      const sessionId = String(insight['session_id']);
      const type = String(insight['insight_type']);
      if (type !== 'user_at_risk') {
        const set = journeyInsights.get(sessionId) ?? new Set<string>();
        set.add(type);
        journeyInsights.set(sessionId, set);
        continue;
      }
      const set = found.get(sessionId) ?? new Set<string>();
      for (const f of (insight['data'] as { risk_factors: string[] }).risk_factors) set.add(f);
      found.set(sessionId, set);
    }
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('each injected kind of friction is detected in its session, and only there', () => {
    const kinds = ['rage_click', 'error_encountered', 'upload_stall', 'potential_abandonment'];
    for (const kind of kinds) {
      const injected = sessions.filter((s) => s.factors.includes(kind as never));
      expect(injected.length, `${kind} sessions`).toBeGreaterThan(10);
      for (const s of injected) expect(found.get(s.sessionId), `${kind} in ${s.sessionId}`).toContain(kind);
    }
    // Every factor found was injected: clean sessions stay clean (no rapid clicking, dead clicks or slow pages either).
    for (const s of sessions) expect([...(found.get(s.sessionId) ?? [])].sort()).toEqual(s.factors);
    const clean = sessions.filter((s) => s.factors.length === 0);
    expect(clean.length).toBeGreaterThan(100);
  });

  it('completed funnels complete both journeys; abandoned ones abandon a journey', () => {
    for (const s of sessions) {
      const types = journeyInsights.get(s.sessionId) ?? new Set<string>();
      if (s.outcome === 'analysed') {
        expect(types.has('journey_completed'), s.sessionId).toBe(true);
      } else if (s.abandonedAt !== 'landing') {
        expect(types.has('journey_abandoned'), `${s.sessionId} left at ${s.abandonedAt}`).toBe(true);
      }
    }
  });
});
