import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/storage/engine.js';
import { ev, openTestEngine, processAll, storedOutputs, T0, WALL } from './support.js';

describe('processor golden: journeys', () => {
  const engines: StorageEngine[] = [];
  const engine = async () => {
    const { engine } = await openTestEngine();
    engines.push(engine);
    return engine;
  };
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
  });

  it("builds the demo app's video_upload journey from journey_step_<step> events", async () => {
    const db = await engine();
    const start = ev('journey_started', T0, {
      journey_name: 'video_upload',
      initial_step: 'file_selected',
      file_size: 1000,
      url: 'https://app.test/',
    });
    const up = ev('journey_step_upload_started', T0 + 2000, {
      journey_name: 'video_upload',
      previous_step: 'file_selected',
      step_duration: 2000,
      total_journey_time: 2000,
    });
    const done = ev('journey_step_upload_complete', T0 + 22_000, {
      journey_name: 'video_upload',
      step_duration: 20_000,
    });
    const analysed = ev('journey_step_analysis_complete', T0 + 27_000, { journey_name: 'video_upload' });
    const completed = ev('journey_completed', T0 + 27_500, {
      journey_name: 'video_upload',
      final_state: 'success',
    });
    await processAll(db, [start, up, done, analysed, completed]);
    const out = await storedOutputs(db);
    expect(out.journeys).toHaveLength(1);
    const journey = out.journeys[0]!;
    expect(journey).toEqual({
      id: journey['id'],
      project_id: 'p1',
      session_id: 'sess-a',
      distinct_id: 'user-1',
      journey_name: 'video_upload',
      status: 'completed',
      steps: [
        { step: 'file_selected', timestamp: T0, duration: 0, metadata: { file_size: 1000 } },
        { step: 'upload_started', timestamp: T0 + 2000, duration: 2000, metadata: {} },
        { step: 'upload_complete', timestamp: T0 + 22_000, duration: 20_000, metadata: {} },
        { step: 'analysis_complete', timestamp: T0 + 27_000, duration: 5000, metadata: {} },
      ],
      started_at: T0,
      ended_at: T0 + 27_500,
      total_duration: 27_500,
      completion_rate: 1,
      abandon_reason: null,
    });
    expect(out.insights).toEqual([
      {
        id: out.insights[0]!['id'],
        project_id: 'p1',
        insight_type: 'journey_completed',
        severity: 'low',
        session_id: 'sess-a',
        distinct_id: 'user-1',
        status: 'open',
        data: {
          risk_factors: [],
          recommended_actions: [],
          evidence: [start.uuid, completed.uuid],
          journey_id: journey['id'],
          journey_name: 'video_upload',
          total_duration: 27_500,
          step_count: 4,
          slowest_step: { step: 'upload_complete', duration: 20_000 },
          completion_rate: 1,
        },
        generated_at: T0 + 27_500,
        created_at: WALL,
        status_changed_at: null,
        time_range: 'real_time',
        // An outcome: counted, never a problem (processor/problem-key.ts).
        problem: '',
        factor: '',
      },
    ]);
    expect(out.interventions).toEqual([]);
  });

  it('records an abandoned SDK journey with its reason and the completion rate per journey name', async () => {
    const db = await engine();
    const rows = [
      ev('journey_started', T0, { journey_name: 'checkout', initial_step: 'cart' }),
      ev('journey_step', T0 + 3000, {
        journey_name: 'checkout',
        step: 'payment',
        previous_step: 'cart',
        step_duration: 3000,
      }),
      ev('journey_completed', T0 + 4000, { journey_name: 'checkout' }),
      ev('journey_started', T0 + 5000, { journey_name: 'checkout', initial_step: 'cart' }),
      ev('journey_step', T0 + 9000, { journey_name: 'checkout', step: 'payment', step_duration: 4000 }),
      ev('journey_abandoned', T0 + 9500, {
        journey_name: 'checkout',
        abandon_reason: 'page_exit',
        abandon_step: 'payment',
      }),
    ];
    await processAll(db, rows);
    const out = await storedOutputs(db);
    const abandoned = out.journeys.find((j) => j['status'] === 'abandoned')!;
    expect(abandoned).toMatchObject({
      status: 'abandoned',
      abandon_reason: 'page_exit',
      total_duration: 4500,
      completion_rate: 0.5,
      steps: [
        { step: 'cart', timestamp: T0 + 5000, duration: 0 },
        { step: 'payment', timestamp: T0 + 9000, duration: 4000 },
      ],
    });
    const insight = out.insights.find((i) => i['insight_type'] === 'journey_abandoned')!;
    expect(insight).toMatchObject({
      severity: 'medium',
      generated_at: T0 + 9500,
      data: {
        risk_factors: ['journey_abandoned'],
        recommended_actions: ['Review the "payment" step of the checkout journey: users leave there'],
        evidence: [rows[3]!.uuid, rows[5]!.uuid],
        abandoned_at_step: 'payment',
        abandon_reason: 'page_exit',
        slowest_step: { step: 'payment', duration: 4000 },
        completion_rate: 0.5,
      },
    });
  });

  it('abandons an idle journey with reason timeout, by the stream clock or by the wall-clock sweep', async () => {
    const db = await engine();
    const start = ev('journey_started', T0, { journey_name: 'onboarding', initial_step: 'welcome' });
    // Another session keeps the stream going for 40 minutes.
    const others = Array.from({ length: 9 }, (_, i) =>
      ev('page_view', T0 + (i + 1) * 5 * 60_000, {}, { session_id: 'sess-b' }),
    );
    await processAll(db, [start, ...others]);
    const out = await storedOutputs(db);
    const journey = out.journeys.find((j) => j['session_id'] === 'sess-a')!;
    expect(journey).toMatchObject({
      status: 'abandoned',
      abandon_reason: 'timeout',
      ended_at: T0 + 30 * 60_000,
    });
    // The pause was reported as potential abandonment first, at 30 s.
    const risk = out.insights.find((i) => i['insight_type'] === 'user_at_risk')!;
    expect(risk).toMatchObject({
      generated_at: T0 + 30_000,
      data: {
        risk_factors: ['potential_abandonment'],
        recommended_actions: ['Consider showing engagement prompt or help'],
      },
    });

    const quiet = await engine();
    const processor = await processAll(
      quiet,
      [ev('journey_started', T0, { journey_name: 'onboarding', initial_step: 'a' })],
      {
        wallClock: () => T0 + 31 * 60_000 + 10_000,
      },
    );
    expect((await storedOutputs(quiet)).journeys[0]).toMatchObject({ status: 'active' });
    await processor.sweep();
    const swept = await storedOutputs(quiet);
    expect(swept.journeys[0]).toMatchObject({
      status: 'abandoned',
      abandon_reason: 'timeout',
      ended_at: T0 + 30 * 60_000,
    });
    expect(swept.insights.map((i) => i['insight_type'])).toEqual(['user_at_risk', 'journey_abandoned']);
    await processor.stop();

    // Old events imported now: their session's next events may not be stored yet, so the wall
    // clock leaves it alone (the stream clock will decide).
    const imported = await engine();
    const late = await processAll(
      imported,
      [ev('journey_started', T0, { journey_name: 'onboarding', initial_step: 'a' }, { received_at: WALL })],
      { wallClock: () => WALL },
    );
    await late.sweep();
    expect((await storedOutputs(imported)).journeys[0]).toMatchObject({ status: 'active' });
    await late.stop();
  });
});
