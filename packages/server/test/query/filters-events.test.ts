import type { FunnelStepResult, QueryFilter } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardQuery } from '../../src/query/dashboard.js';
import { dropOffRecommendation, dropOffsQuery } from '../../src/query/drop-offs.js';
import { funnelQuery } from '../../src/query/funnel/index.js';
import { overviewQuery } from '../../src/query/overview.js';
import type { QueryDefinition } from '../../src/query/registry.js';
import { sessionsQuery } from '../../src/query/sessions.js';
import { timeseriesQuery } from '../../src/query/timeseries.js';
import { topEventsQuery } from '../../src/query/top-events.js';
import { userFlowQuery } from '../../src/query/user-flow.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import {
  HOSTILE,
  IN_GERMANY,
  NOW,
  PRICING_VIEW,
  PROCESSOR_BATCH,
  PROJECT,
  RANGE,
  ROWS,
  SETTINGS,
  START,
} from './filters-fixture.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

/**
 * The common `filters` on the queries over events, and funnel steps with filters of their own,
 * against answers worked out by hand from filters-fixture.ts, on every engine.
 */

/** A funnel's steps from the units reaching each step and the (median, p95) times to convert. */
function funnelSteps(
  names: Array<string | { event: string; filters: QueryFilter[] }>,
  counts: number[],
  times: Array<[number, number] | null>,
): FunnelStepResult[] {
  const first = counts[0] ?? 0;
  return names.map((given, k) => {
    const count = counts[k] ?? 0;
    const previous = k === 0 ? count : (counts[k - 1] ?? 0);
    const [median, p95] = times[k] ?? [null, null];
    return {
      step: typeof given === 'string' ? given : given.event,
      ...(typeof given === 'string' ? {} : { filters: given.filters }),
      count,
      conversion_from_first: first > 0 ? count / first : 0,
      conversion_from_previous: previous > 0 ? count / previous : 0,
      drop_off: previous > 0 ? 1 - count / previous : 0,
      median_time_to_convert_ms: median,
      p95_time_to_convert_ms: p95,
    };
  });
}

const PRICING_FUNNEL = ['page_view', PRICING_VIEW, 'signup'];

describe.each(ENGINES)('filters on the queries over events on $name', (kind) => {
  let engine: StorageEngine;
  const run = <A, R>(definition: QueryDefinition<A, R>, args: Record<string, unknown>) =>
    runQuery(engine, definition, PROJECT, { time_range: RANGE, ...args }, NOW, SETTINGS);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(ROWS);
    await engine.commitProcessorBatch(PROCESSOR_BATCH);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('overview: counts the events meeting every filter; the key funnel converts over them', async () => {
    expect(await run(overviewQuery, {})).toMatchObject({
      total_events: 12,
      unique_sessions: 5,
      unique_users: 4,
      conversion_rate: 3 / 5,
    });
    expect(await run(overviewQuery, { filters: IN_GERMANY })).toEqual({
      total_events: 7,
      unique_sessions: 3,
      unique_users: 3,
      avg_events_per_session: 7 / 3,
      conversion_rate: 2 / 3,
      key_funnel: SETTINGS.key_funnel,
    });
    // Two filters AND-ed: German page views of /pricing (sA's and sC's).
    const both = [
      ...IN_GERMANY,
      ...PRICING_VIEW.filters,
      { property: 'event', op: 'eq', value: 'page_view' },
    ];
    expect(await run(overviewQuery, { filters: both })).toMatchObject({
      total_events: 2,
      unique_sessions: 2,
    });
  });

  it('timeseries and top_events: matching events per bucket and per name', async () => {
    const series = await run(timeseriesQuery, { interval: 'minute', filters: IN_GERMANY });
    expect(series.points).toHaveLength(60);
    expect(series.points.filter((p) => p.events > 0)).toEqual([
      { t: START, events: 6, sessions: 3 },
      { t: START + 60_000, events: 1, sessions: 1 },
    ]);
    const hourly = await run(timeseriesQuery, { interval: 'hour', filters: IN_GERMANY });
    expect(hourly.points).toEqual([{ t: RANGE.from, events: 7, sessions: 3 }]);
    expect(await run(topEventsQuery, { filters: IN_GERMANY })).toEqual({
      events: [
        { name: 'page_view', count: 4 },
        { name: 'signup', count: 2 },
        { name: 'click', count: 1 },
      ],
    });
  });

  it('funnel: a step filter narrows its step only; global filters narrow every step', async () => {
    // sA: /home → /pricing → signup. sC's only /pricing view is its start: one event, one step.
    expect(await run(funnelQuery, { steps: PRICING_FUNNEL })).toEqual({
      steps: funnelSteps(PRICING_FUNNEL, [5, 1, 1], [null, [1000, 1000], [1000, 1000]]),
    });
    expect(await run(funnelQuery, { steps: PRICING_FUNNEL, filters: IN_GERMANY })).toEqual({
      steps: funnelSteps(PRICING_FUNNEL, [3, 1, 1], [null, [1000, 1000], [1000, 1000]]),
    });
    // Distinct names (the SQL chain): a global filter and a step filter on a breakdown funnel.
    const signupFromPricing = [PRICING_VIEW, 'signup'];
    expect(await run(funnelQuery, { steps: signupFromPricing, filters: IN_GERMANY })).toEqual({
      steps: funnelSteps(signupFromPricing, [2, 1], [null, [1000, 1000]]),
    });
    const plain = ['page_view', 'signup'];
    expect(await run(funnelQuery, { steps: plain, filters: IN_GERMANY, unit: 'user' })).toEqual({
      steps: funnelSteps(plain, [3, 2], [null, [2000, 60_000]]),
    });
  });

  it("funnel breakdown by a filter property reads the start event's column; other names its properties", async () => {
    // Starts (first page_view): sA /home DE, sB /home US, sC /pricing DE, sD /home FR, sE /docs DE;
    // signup reached by sA, sB and sE.
    const counts = async (args: Record<string, unknown>) =>
      (await run(funnelQuery, { steps: ['page_view', 'signup'], ...args })).breakdowns?.map((b) => [
        b.value,
        b.steps.map((s) => s.count),
      ]);
    expect(await counts({ breakdown: 'country' })).toEqual([
      ['DE', [3, 2]],
      ['FR', [1, 0]],
      ['US', [1, 1]],
    ]);
    expect(await counts({ breakdown: 'path' })).toEqual([
      ['/home', [3, 2]],
      ['/docs', [1, 1]],
      ['/pricing', [1, 0]],
    ]);
    // The same through the TypeScript matcher (a repeated step name) and with a filter.
    expect(
      (
        await run(funnelQuery, {
          steps: ['page_view', PRICING_VIEW],
          breakdown: 'country',
          filters: IN_GERMANY,
        })
      ).breakdowns?.map((b) => [b.value, b.steps.map((s) => s.count)]),
    ).toEqual([['DE', [3, 1]]]);
    // properties.<key>, or a name outside the filter vocabulary, is the event's property: these
    // start events carry neither a `path` nor a `note` property.
    expect(await counts({ breakdown: 'properties.path' })).toEqual([['', [5, 3]]]);
    expect(await counts({ breakdown: 'note' })).toEqual([['', [5, 3]]]);
  });

  it('funnel: hostile text in a properties filter is compared as plain text', async () => {
    const steps = (filter: QueryFilter) => ['page_view', { event: 'signup', filters: [filter] }];
    const reached = async (filter: QueryFilter) =>
      (await run(funnelQuery, { steps: steps(filter) })).steps.map((s) => s.count);
    expect(await reached({ property: 'properties.note', op: 'eq', value: HOSTILE })).toEqual([5, 1]);
    // `%` and `_` are not wildcards: "50 off" does not contain "50%".
    expect(await reached({ property: 'properties.note', op: 'contains', value: '"50%"' })).toEqual([5, 1]);
    expect(await reached({ property: 'properties.note', op: 'contains', value: '\\ a_b' })).toEqual([5, 1]);
    expect(await reached({ property: 'properties.note', op: 'in', value: [HOSTILE, '50 off'] })).toEqual([
      5, 2,
    ]);
    expect(await reached({ property: 'properties.note', op: 'eq', value: "it's" })).toEqual([5, 0]);
  });

  it('drop_offs: filtered funnel, its steps named with their filters', async () => {
    const { drop_off_points } = await run(dropOffsQuery, { steps: PRICING_FUNNEL, filters: IN_GERMANY });
    // German sessions: sA, sC, sE start; only sA views /pricing after its start. sC (rage_click) and sE drop.
    expect(drop_off_points).toEqual([
      {
        step: 'page_view',
        filters: PRICING_VIEW.filters,
        drop_rate: (1 - 1 / 3) * 100,
        drop_off: 1 - 1 / 3,
        dropped_sessions: 2,
        friction: expect.objectContaining({ rage_click: 1, error_encountered: 0, dead_click: 0 }),
        dominant_friction: 'rage_click',
        recommendation: dropOffRecommendation('rage_click'),
      },
    ]);
  });

  it('user_flow: whole flows of the sessions with a matching event', async () => {
    // A page filter selects sA and sC; their other events stay in the flow.
    const pricing = await run(userFlowQuery, { filters: PRICING_VIEW.filters });
    expect(pricing.transitions).toEqual([
      { from: 'page_view', to: 'click', count: 1 },
      { from: 'page_view', to: 'page_view', count: 1 },
      { from: 'page_view', to: 'signup', count: 1 },
    ]);
    const german = await run(userFlowQuery, { filters: IN_GERMANY });
    expect(german).toEqual({
      transitions: [
        { from: 'page_view', to: 'signup', count: 2 },
        { from: 'page_view', to: 'click', count: 1 },
        { from: 'page_view', to: 'page_view', count: 1 },
      ],
      top_paths: [
        { path: ['page_view', 'click'], count: 1 },
        { path: ['page_view', 'page_view', 'signup'], count: 1 },
        { path: ['page_view', 'signup'], count: 1 },
      ],
    });
  });

  it('sessions: sessions with an event meeting every filter, summarised whole', async () => {
    const pricing = await run(sessionsQuery, { filters: PRICING_VIEW.filters });
    expect(pricing.total).toBe(2);
    expect(pricing.sessions.map((s) => [s.session_id, s.event_count])).toEqual([
      ['sA', 3],
      ['sC', 2],
    ]);
    const ids = async (filters: QueryFilter[], extra: Record<string, unknown> = {}) =>
      (await run(sessionsQuery, { filters, ...extra })).sessions.map((s) => s.session_id);
    expect(await ids(IN_GERMANY)).toEqual(['sE', 'sA', 'sC']);
    expect(await ids(IN_GERMANY, { page: '/docs' })).toEqual(['sE']);
    expect(await ids([{ property: 'properties.note', op: 'contains', value: 'a_b' }])).toEqual(['sA', 'sC']);
    expect(await ids([{ property: 'properties.note', op: 'eq', value: HOSTILE }])).toEqual(['sA']);
    // Paging keeps the filters (the cursor is tied to them).
    const first = await run(sessionsQuery, { filters: IN_GERMANY, limit: 2 });
    expect(first.sessions.map((s) => s.session_id)).toEqual(['sE', 'sA']);
    const second = await run(sessionsQuery, { filters: IN_GERMANY, limit: 2, cursor: first.next_cursor });
    expect(second.sessions.map((s) => s.session_id)).toEqual(['sC']);
  });

  it('dashboard: every part takes the filters as its own query does', async () => {
    const dashboard = await run(dashboardQuery, { filters: IN_GERMANY });
    expect(dashboard).toMatchObject({
      total_events: 7,
      unique_sessions: 3,
      unique_users: 3,
      conversion_rate: 2 / 3,
    });
    const keySteps = funnelSteps(['page_view', 'signup'], [3, 2], [null, [2000, 60_000]]);
    expect(dashboard.conversion_funnel).toEqual([
      { ...keySteps[0], count: 4, unique_users: 3, sessions: 3 },
      { ...keySteps[1], count: 2, unique_users: 2, sessions: 2 },
    ]);
    expect(dashboard.drop_off_points.map((p) => [p.step, p.dropped_sessions, p.dominant_friction])).toEqual([
      ['signup', 1, 'rage_click'],
    ]);
    expect(dashboard.top_events).toEqual((await run(topEventsQuery, { filters: IN_GERMANY })).events);
    expect(dashboard.user_flow).toEqual(await run(userFlowQuery, { filters: IN_GERMANY, limit: 10 }));
  });
});
