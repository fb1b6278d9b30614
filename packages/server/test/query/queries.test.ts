import { DEMO_KEY_SETTINGS } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frictionFactor } from '../../src/friction/catalogue.js';
import { dashboardQuery } from '../../src/query/dashboard.js';
import { dropOffsQuery, NO_FRICTION_RECOMMENDATION } from '../../src/query/drop-offs.js';
import { emptyFriction } from '../../src/query/friction-signals.js';
import { funnelQuery } from '../../src/query/funnel/index.js';
import { overviewQuery } from '../../src/query/overview.js';
import type { QueryDefinition } from '../../src/query/registry.js';
import { sessionTimelineQuery } from '../../src/query/session-timeline.js';
import { sessionsQuery } from '../../src/query/sessions.js';
import { timeseriesQuery } from '../../src/query/timeseries.js';
import { topEventsQuery } from '../../src/query/top-events.js';
import { userFlowQuery } from '../../src/query/user-flow.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { makeBatch, makeInsight, makeJourney } from '../support/processor-records.js';
import { FIXTURE_ROWS, NOW, PROJECT, T } from './fixture.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const step = (
  name: string,
  count: number,
  fromFirst: number,
  fromPrevious: number,
  median: number | null,
  p95: number | null,
) => ({
  step: name,
  count,
  conversion_from_first: fromFirst,
  conversion_from_previous: fromPrevious,
  drop_off: 1 - fromPrevious,
  median_time_to_convert_ms: median,
  p95_time_to_convert_ms: p95,
});

/** The default funnel over the fixture, by session (see fixture.ts). */
const SESSION_FUNNEL = [
  step('page_view', 4, 1, 1, null, null),
  step('file_selected', 3, 0.75, 0.75, 1000, 3000),
  step('upload_started', 2, 0.5, 2 / 3, 1000, 1000),
  step('upload_complete', 1, 0.25, 0.5, 3000, 3000),
  step('analysis_complete', 1, 0.25, 1, 4000, 4000),
];

/**
 * What the processor stores for s2 (one error, one slow page load, an upload without progress for
 * over 10 s): drop-offs read this, not the raw events (test/friction/agreement.test.ts runs the
 * real processor).
 */
const S2_FRICTION = {
  project_id: PROJECT,
  session_id: 's2',
  distinct_id: 'u2',
  friction_score: 7,
  factors: { error_encountered: 1, slow_page: 1, upload_stall: 1 },
  updated_at: T + 14_000,
};

const DROP_OFF_POINTS = [
  {
    step: 'upload_started',
    drop_rate: (1 - 2 / 3) * 100,
    drop_off: 1 - 2 / 3,
    dropped_sessions: 1,
    friction: emptyFriction(),
    dominant_friction: null,
    recommendation: NO_FRICTION_RECOMMENDATION,
  },
  {
    step: 'upload_complete',
    drop_rate: 50,
    drop_off: 0.5,
    dropped_sessions: 1,
    // s2, as the processor stored it (S2_FRICTION): an error, a slow page, a stalled upload. Error
    // and upload stall tie and weigh the same: the first in catalogue order wins.
    friction: { ...emptyFriction(), error_encountered: 1, slow_page: 1, upload_stall: 1 },
    dominant_friction: 'error_encountered',
    recommendation: frictionFactor('error_encountered').dropOffRecommendation,
  },
];

describe.each(ENGINES)('queries over a fixed fixture on $name', (kind) => {
  let engine: StorageEngine;
  const run = <A, R>(definition: QueryDefinition<A, R>, args: unknown) =>
    runQuery(engine, definition, PROJECT, args, NOW);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(FIXTURE_ROWS);
    await engine.commitProcessorBatch(makeBatch({ friction: [S2_FRICTION] }));
  });
  afterAll(async () => {
    await engine.close();
  });

  it('overview', async () => {
    expect(await run(overviewQuery, { time_range: '1h' })).toEqual({
      total_events: 21,
      unique_sessions: 5,
      unique_users: 4,
      avg_events_per_session: 21 / 5,
      conversion_rate: 0.25,
      key_funnel: DEMO_KEY_SETTINGS.key_funnel,
    });
    expect(await run(overviewQuery, { time_range: '24h' })).toMatchObject({
      total_events: 22,
      unique_sessions: 5,
    });
  });

  it('timeseries fills empty buckets', async () => {
    expect(
      await run(timeseriesQuery, { time_range: { from: T, to: T + 180_000 }, interval: 'minute' }),
    ).toEqual({
      interval: 'minute',
      points: [
        { t: T, events: 15, sessions: 3 },
        { t: T + 60_000, events: 6, sessions: 2 },
        { t: T + 120_000, events: 0, sessions: 0 },
      ],
    });
  });

  it('top_events: most first, ties by name', async () => {
    expect(await run(topEventsQuery, { time_range: '1h', limit: 4 })).toEqual({
      events: [
        { name: 'page_view', count: 5 },
        { name: 'file_selected', count: 3 },
        { name: 'page_performance', count: 2 },
        { name: 'rage_click', count: 2 },
      ],
    });
  });

  it('funnel by session and by user', async () => {
    expect(await run(funnelQuery, { time_range: '1h' })).toEqual({ steps: SESSION_FUNNEL });
    const byUser = await run(funnelQuery, { time_range: '1h', unit: 'user' });
    expect(byUser.steps.map((s) => s.count)).toEqual([3, 2, 2, 1, 1]);
    expect(byUser.steps[1]).toMatchObject({ median_time_to_convert_ms: 1000, p95_time_to_convert_ms: 3000 });
  });

  it('funnel window and breakdown', async () => {
    // s1 needs 9 s for the whole funnel: a 5 s window stops it at upload_complete.
    const short = await run(funnelQuery, { time_range: '1h', window_ms: 5000 });
    expect(short.steps.map((s) => s.count)).toEqual([4, 3, 2, 1, 0]);
    const broken = await run(funnelQuery, {
      time_range: '1h',
      steps: ['page_view', 'file_selected'],
      breakdown: 'path_kind',
    });
    expect(broken.breakdowns).toEqual([{ value: '', steps: broken.steps }]);
  });

  it('drop_offs: over the threshold or the largest, with the friction of the sessions that dropped', async () => {
    expect(await run(dropOffsQuery, { time_range: '1h' })).toEqual({
      drop_off_points: DROP_OFF_POINTS,
      key_funnel: DEMO_KEY_SETTINGS.key_funnel,
    });
    const strict = await run(dropOffsQuery, { time_range: '1h', threshold: 0.9 });
    expect(strict.drop_off_points.map((p) => p.step)).toEqual(['upload_complete']);
  });

  it('user_flow: transitions and first steps, by event or by page', async () => {
    expect(await run(userFlowQuery, { time_range: '1h', limit: 4 })).toEqual({
      transitions: [
        { from: 'file_selected', to: 'upload_started', count: 2 },
        { from: 'page_performance', to: 'file_selected', count: 2 },
        { from: 'page_view', to: 'page_performance', count: 2 },
        { from: '$web_vitals', to: '$exception', count: 1 },
      ],
      top_paths: [
        { path: ['page_view', 'page_performance', 'file_selected'], count: 2 },
        { path: ['$web_vitals', '$exception'], count: 1 },
        { path: ['page_view', 'file_selected', 'upload_started'], count: 1 },
        { path: ['page_view', 'page_view', 'rage_click'], count: 1 },
      ],
    });
    expect(await run(userFlowQuery, { time_range: '1h', mode: 'pages' })).toEqual({
      transitions: [{ from: '/pricing', to: '/home', count: 1 }],
      top_paths: [
        { path: ['/home'], count: 3 },
        { path: ['/pricing', '/home'], count: 1 },
      ],
    });
  });

  it('sessions: most recent first, error filter', async () => {
    const all = await run(sessionsQuery, { time_range: '1h' });
    expect(all.sessions.map((s) => s.session_id)).toEqual(['s5', 's4', 's1', 's2', 's3']);
    expect(all.sessions[2]).toEqual({
      session_id: 's1',
      distinct_id: 'u1',
      first_seen: T,
      last_seen: T + 9000,
      event_count: 6,
      has_error: false,
      pages: 1,
      at_risk: false,
      friction_score: 0,
    });
    const failing = await run(sessionsQuery, { time_range: '1h', has_error: true });
    expect(failing.sessions.map((s) => s.session_id)).toEqual(['s5', 's2']);
    const clean = await run(sessionsQuery, { time_range: '1h', has_error: false, limit: 2 });
    expect(clean.sessions.map((s) => s.session_id)).toEqual(['s4', 's1']);
  });

  it('session_timeline: one session in order', async () => {
    const { events } = await run(sessionTimelineQuery, { session_id: 's3' });
    expect(
      events.map(({ timestamp, event, path, properties }) => ({ timestamp, event, path, properties })),
    ).toEqual([
      { timestamp: T + 1000, event: 'page_view', path: '/pricing', properties: {} },
      { timestamp: T + 2000, event: 'page_view', path: '/home', properties: {} },
      { timestamp: T + 2500, event: 'rage_click', path: '/home', properties: {} },
      { timestamp: T + 2600, event: 'rage_click', path: '/home', properties: { x: 10 } },
    ]);
  });

  it("sessions and session_timeline: the processor's view (at risk, journey state, insights inline)", async () => {
    await engine.commitProcessorBatch(
      makeBatch({
        insights: [
          makeInsight({ id: 'i-s3', project_id: PROJECT, session_id: 's3', generated_at: T + 2600 }),
          makeInsight({
            id: 'j-s1',
            project_id: PROJECT,
            session_id: 's1',
            insight_type: 'journey_completed',
            generated_at: T + 9000,
          }),
        ],
        journeys: [makeJourney({ id: 'jny-s1', project_id: PROJECT, session_id: 's1', status: 'completed' })],
        friction: [
          {
            project_id: PROJECT,
            session_id: 's3',
            distinct_id: 'u3',
            friction_score: 0.6,
            factors: { rage_click: 1 },
            updated_at: T + 2600,
          },
        ],
      }),
    );
    const risky = await run(sessionsQuery, { time_range: '1h', at_risk: true });
    expect(risky.sessions.map((x) => [x.session_id, x.at_risk, x.friction_score])).toEqual([
      ['s3', true, 0.6],
    ]);
    const calm = await run(sessionsQuery, { time_range: '1h', at_risk: false });
    expect(calm.sessions.map((x) => x.session_id)).toEqual(['s5', 's4', 's1', 's2']);
    const completed = await run(sessionsQuery, { time_range: '1h', journey_status: 'completed' });
    expect(completed.sessions.map((x) => x.session_id)).toEqual(['s1']);
    const { insights } = await run(sessionTimelineQuery, { session_id: 's3' });
    expect(insights.map((i) => [i.id, i.generated_at])).toEqual([['i-s3', T + 2600]]);
  });

  it('dashboard: the shape of docs/API.md', async () => {
    const d = await run(dashboardQuery, { time_range: '1h' });
    expect(d).toMatchObject({
      total_events: 21,
      unique_sessions: 5,
      avg_events_per_session: 21 / 5,
      conversion_rate: 0.25,
      drop_off_points: DROP_OFF_POINTS,
    });
    expect(d.top_events.slice(0, 2)).toEqual([
      { name: 'page_view', count: 5 },
      { name: 'file_selected', count: 3 },
    ]);
    expect(
      d.conversion_funnel.map(({ step, count, unique_users, sessions }) => ({
        step,
        count,
        unique_users,
        sessions,
      })),
    ).toEqual([
      { step: 'page_view', count: 5, unique_users: 4, sessions: 4 },
      { step: 'file_selected', count: 3, unique_users: 3, sessions: 3 },
      { step: 'upload_started', count: 2, unique_users: 2, sessions: 2 },
      { step: 'upload_complete', count: 1, unique_users: 1, sessions: 1 },
      { step: 'analysis_complete', count: 1, unique_users: 1, sessions: 1 },
    ]);
    expect(d.conversion_funnel[1]).toMatchObject({
      conversion_from_first: 0.75,
      median_time_to_convert_ms: 1000,
    });
    expect(d.user_flow.transitions[0]).toEqual({ from: 'file_selected', to: 'upload_started', count: 2 });
    expect(d.performance_metrics.map((p) => p.path)).toEqual(['/home', '/pricing']);
  });
});
