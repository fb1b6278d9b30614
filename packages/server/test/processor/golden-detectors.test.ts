import { afterEach, describe, expect, it } from 'vitest';
import { isHeldOut, TOOLTIP_MESSAGE } from '../../src/processor/intervention-rules.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { ev, openTestEngine, processAll, storedOutputs, T0 } from './support.js';

describe('processor golden: detectors, insights and interventions', () => {
  const engines: StorageEngine[] = [];
  const engine = async () => {
    const { engine } = await openTestEngine();
    engines.push(engine);
    return engine;
  };
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
  });
  const risks = async (db: StorageEngine) =>
    (await storedOutputs(db)).insights.filter((i) => i['insight_type'] === 'user_at_risk');

  it('reports rapid clicking (> 3 of the last 10 events < 1 s apart) with its text', async () => {
    const db = await engine();
    // Five clicks 300 ms apart, each 100 px from the last (so not a rage click): 4 rapid gaps.
    const clicks = Array.from({ length: 5 }, (_, i) =>
      ev('user_click', T0 + i * 300, { click_x: 100 * i, click_y: 100 }),
    );
    await processAll(db, clicks);
    const out = await storedOutputs(db);
    expect(out.insights).toEqual([
      {
        id: out.insights[0]!['id'],
        project_id: 'p1',
        insight_type: 'user_at_risk',
        severity: 'medium',
        session_id: 'sess-a',
        distinct_id: 'user-1',
        status: 'open',
        data: {
          risk_factors: ['rapid_clicking'],
          recommended_actions: ['Show helpful tooltips or loading states'],
          evidence: clicks.slice(1).map((c) => c.uuid),
          friction_score: 2,
          // Its problem (processor/problem-key.ts): type, factor and page path (these clicks have none).
          problem: 'user_at_risk:rapid_clicking:',
          factor: 'rapid_clicking',
        },
        generated_at: T0 + 1200,
        created_at: out.insights[0]!['created_at'],
        status_changed_at: null,
        time_range: 'real_time',
        problem: 'user_at_risk:rapid_clicking:',
        factor: 'rapid_clicking',
      },
    ]);
    expect(out.interventions).toMatchObject([
      {
        insight_id: out.insights[0]!['id'],
        session_id: 'sess-a',
        rule_id: 'frustration_tooltip',
        action: 'tooltip',
        message: TOOLTIP_MESSAGE,
        risk_factors: ['rapid_clicking'],
        held_out: false,
        delivered_at: null,
      },
    ]);
    expect(out.friction).toMatchObject([
      { session_id: 'sess-a', friction_score: 2, factors: { rapid_clicking: 1 } },
    ]);
  });

  it('does not count three rapid gaps, nor automatic page-load events', async () => {
    const db = await engine();
    await processAll(db, [
      ...['page_view', 'page_performance', 'web_vitals', 'scroll_depth', 'tab_visible'].map((name, i) =>
        ev(name, T0 + i * 10, { page_load_time: 900 }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        ev('user_click', T0 + 5000 + i * 300, { click_x: 100 * i, click_y: 0 }),
      ),
    ]);
    expect(await risks(db)).toEqual([]);
  });

  it('reports rage clicks from positions, $rageclick and rage_click, once per 5 minutes of event time', async () => {
    const db = await engine();
    const burst = [0, 400, 800].map((dt, i) =>
      ev('user_click', T0 + dt, { click_x: 200 + i * 5, click_y: 300 }),
    );
    await processAll(db, [
      ...burst,
      ev('rage_click', T0 + 900, { click_count: 3 }),
      ev('$rageclick', T0 + 6 * 60_000, {}, { session_id: 'sess-ph' }),
    ]);
    const found = await risks(db);
    expect(
      found.map((i) => [i['session_id'], (i['data'] as { risk_factors: string[] }).risk_factors]),
    ).toEqual([
      ['sess-a', ['rage_click']],
      ['sess-ph', ['rage_click']],
    ]);
    expect(found[0]!['data']).toMatchObject({ evidence: burst.map((c) => c.uuid) });
  });

  it('reports errors (by exact name only), dead clicks and slow pages with their recommendations', async () => {
    const db = await engine();
    await processAll(db, [
      ev('error', T0, { message: 'boom' }, { session_id: 's-err' }),
      ev('$exception', T0, {}, { session_id: 's-exc' }),
      // An app's own event whose name contains "error" is not an error event (friction/error-encountered.ts).
      ev('upload_error', T0, {}, { session_id: 's-named' }),
      ev('dead_click', T0, { selector: '#nothing' }, { session_id: 's-dead' }),
      ev('$dead_click', T0, {}, { session_id: 's-ph-dead' }),
      ev('page_performance', T0, { page_load_time: 4500 }, { session_id: 's-slow' }),
      ev('page_performance', T0, { page_load_time: 4000 }, { session_id: 's-ok' }),
    ]);
    const bySession = Object.fromEntries(
      (await risks(db)).map((i) => [i['session_id'], [i['severity'], i['data']]]),
    );
    expect(bySession).toEqual({
      's-err': [
        'high',
        expect.objectContaining({
          risk_factors: ['error_encountered'],
          recommended_actions: ['Display better error recovery options'],
        }),
      ],
      's-exc': ['high', expect.objectContaining({ risk_factors: ['error_encountered'] })],
      's-dead': ['low', expect.objectContaining({ risk_factors: ['dead_click'] })],
      's-ph-dead': ['low', expect.objectContaining({ risk_factors: ['dead_click'] })],
      's-slow': [
        'low',
        expect.objectContaining({
          risk_factors: ['slow_page'],
          recommended_actions: ['Speed up the page load or show a skeleton while it loads'],
        }),
      ],
    });
    const interventions = (await storedOutputs(db)).interventions;
    expect(interventions.find((v) => v['session_id'] === 's-err')).toMatchObject({ action: 'offer_support' });
    expect(interventions.filter((v) => v['session_id'] === 's-slow')).toEqual([]);
  });

  it('reports a long gap inside an active journey as potential abandonment, when the next event comes', async () => {
    const db = await engine();
    const start = ev('journey_started', T0, { journey_name: 'checkout', initial_step: 'cart' });
    await processAll(db, [start, ev('journey_step', T0 + 45_000, { journey_name: 'checkout', step: 'pay' })]);
    const [insight] = await risks(db);
    expect(insight).toMatchObject({
      generated_at: T0 + 30_000,
      data: {
        risk_factors: ['potential_abandonment'],
        recommended_actions: ['Consider showing engagement prompt or help'],
        evidence: [start.uuid],
      },
    });
    expect((await storedOutputs(db)).interventions[0]).toMatchObject({
      action: 'help_prompt',
      rule_id: 'abandonment_help',
    });
  });

  it('reports a stalled upload 10 s after the last progress, and not a progressing one', async () => {
    const db = await engine();
    const started = ev('upload_started', T0, {});
    const progressing = [0, 5000, 10_000, 15_000].map((dt) =>
      ev('upload_progress', T0 + dt, {}, { session_id: 'ok' }),
    );
    await processAll(db, [
      started,
      ev('upload_progress', T0 + 4000, {}, { session_id: 'ok' }),
      ...progressing,
      ev('upload_complete', T0 + 16_000, {}, { session_id: 'ok' }),
      ev('user_click', T0 + 25_000, { click_x: 1, click_y: 1 }),
    ]);
    const found = await risks(db);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      session_id: 'sess-a',
      generated_at: T0 + 10_000,
      severity: 'high',
      data: { risk_factors: ['upload_stall'], evidence: [started.uuid] },
    });
    const [intervention] = (await storedOutputs(db)).interventions;
    expect(intervention).toMatchObject({ rule_id: 'upload_retry', action: 'help_prompt' });
    expect(intervention!['message']).toMatch(/retry/);
  });

  it('keeps one insight per factor per 5 minutes and raises severity with the friction score', async () => {
    const db = await engine();
    await processAll(db, [
      ev('dead_click', T0),
      ev('dead_click', T0 + 60_000),
      ev('dead_click', T0 + 5 * 60_000),
      ev('error', T0 + 5 * 60_000 + 1),
    ]);
    const found = await risks(db);
    expect(
      found.map((i) => [
        i['generated_at'],
        i['severity'],
        (i['data'] as { friction_score: number }).friction_score,
      ]),
    ).toEqual([
      [T0, 'low', 1],
      [T0 + 5 * 60_000, 'low', 2],
      [T0 + 5 * 60_000 + 1, 'high', 5],
    ]);
  });

  it('gives a session at most one intervention per rule per 5 minutes', async () => {
    const db = await engine();
    await processAll(db, [
      ev('dead_click', T0),
      ev('rage_click', T0 + 60_000),
      ev('rage_click', T0 + 6 * 60_000),
    ]);
    const { insights, interventions } = await storedOutputs(db);
    expect(insights).toHaveLength(3);
    expect(interventions.map((v) => [v['rule_id'], v['risk_factors']])).toEqual(
      expect.arrayContaining([
        ['frustration_tooltip', ['dead_click']],
        ['frustration_tooltip', ['rage_click']],
      ]),
    );
    expect(interventions).toHaveLength(2);
  });

  it('records held-out sessions without delivering, and closes the loop with $intervention_* events', async () => {
    const db = await engine();
    const heldOut = Array.from({ length: 200 }, (_, i) => `s${i}`).find((s) => isHeldOut(s, 10))!;
    await processAll(
      db,
      [ev('error', T0, {}, { session_id: heldOut }), ev('error', T0, {}, { session_id: 'sess-a' })],
      {
        holdoutPercent: 10,
      },
    );
    const { interventions } = await storedOutputs(db);
    const held = interventions.find((v) => v['session_id'] === heldOut)!;
    const shown = interventions.find((v) => v['session_id'] === 'sess-a')!;
    expect(held['held_out']).toBe(true);
    expect(await db.pendingInterventions('p1', heldOut)).toEqual([]);
    expect((await db.pendingInterventions('p1', 'sess-a')).map((v) => v.id)).toEqual([shown['id']]);

    await processAll(
      db,
      [
        ev('$intervention_shown', T0 + 1000, { intervention_id: shown['id'] }),
        ev('$intervention_result', T0 + 5000, { intervention_id: shown['id'], result: 'accepted' }),
      ],
      { holdoutPercent: 10 },
    );
    expect((await storedOutputs(db)).interventions.find((v) => v['id'] === shown['id'])).toMatchObject({
      shown_at: T0 + 1000,
      result: 'accepted',
      result_at: T0 + 5000,
    });
  });
});
