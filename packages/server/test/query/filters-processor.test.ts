import type { QueryFilter } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frictionQuery } from '../../src/query/friction.js';
import { insightGroupsQuery } from '../../src/query/insight-groups.js';
import { insightsQuery } from '../../src/query/insights.js';
import { interventionsQuery } from '../../src/query/interventions.js';
import { journeysQuery } from '../../src/query/journeys.js';
import type { QueryDefinition } from '../../src/query/registry.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import {
  HOSTILE,
  IN_GERMANY,
  NOW,
  PROCESSOR_BATCH,
  PROJECT,
  RANGE,
  ROWS,
  SETTINGS,
} from './filters-fixture.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

/**
 * The common `filters` on the answers that come from the stream processor: only sessions with an
 * event in the range meeting every filter (filters-fixture.ts: in Germany, sA, sC and sE), on
 * every engine.
 */

const HOSTILE_NOTE: QueryFilter[] = [{ property: 'properties.note', op: 'eq', value: HOSTILE }];
/** No session has an event meeting it. */
const NOBODY: QueryFilter[] = [{ property: 'country', op: 'eq', value: 'XX' }];

describe.each(ENGINES)('filters on the processor views on $name', (kind) => {
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

  it('insights: the sessions with a matching event, counts included', async () => {
    const ids = async (filters?: QueryFilter[]) => {
      const answer = await run(insightsQuery, filters ? { filters } : {});
      return { ids: answer.insights.map((i) => i.id), total: answer.total, by_type: answer.counts.by_type };
    };
    expect(await ids()).toEqual({
      ids: ['ins_b', 'ins_a', 'ins_c'],
      total: 3,
      by_type: { user_at_risk: 2, journey_completed: 1 },
    });
    expect(await ids(IN_GERMANY)).toEqual({
      ids: ['ins_a', 'ins_c'],
      total: 2,
      by_type: { user_at_risk: 1, journey_completed: 1 },
    });
    expect((await ids(HOSTILE_NOTE)).ids).toEqual(['ins_a']);
    expect(await ids(NOBODY)).toEqual({ ids: [], total: 0, by_type: {} });
  });

  it('insight_groups: groups and outcomes of the matching sessions', async () => {
    const all = await run(insightGroupsQuery, {});
    expect(all.groups.map((g) => [g.problem, g.sessions, g.insights])).toEqual([
      ['user_at_risk:error_encountered:', 2, 2],
    ]);
    const german = await run(insightGroupsQuery, { filters: IN_GERMANY });
    expect(
      german.groups.map((g) => [g.problem, g.sessions, g.insights, g.trend.reduce((a, b) => a + b)]),
    ).toEqual([['user_at_risk:error_encountered:', 1, 1, 1]]);
    expect(german.outcomes).toEqual([{ insight_type: 'journey_completed', count: 1, sessions: 1 }]);
    const none = await run(insightGroupsQuery, { filters: NOBODY });
    expect([none.groups, none.outcomes, none.total_groups]).toEqual([[], [], 0]);
  });

  it('journeys: journeys of the matching sessions', async () => {
    const summary = async (filters?: QueryFilter[]) =>
      (await run(journeysQuery, filters ? { filters } : {})).journeys.map((j) => [
        j.journey_name,
        j.started,
        j.completed,
        j.abandoned,
        j.active,
      ]);
    expect(await summary()).toEqual([['checkout', 3, 1, 1, 1]]);
    expect(await summary(IN_GERMANY)).toEqual([['checkout', 2, 1, 1, 0]]);
    expect(await summary(HOSTILE_NOTE)).toEqual([['checkout', 1, 1, 0, 0]]);
  });

  it('friction: scores of the matching sessions', async () => {
    const sessions = async (filters?: QueryFilter[]) =>
      (await run(frictionQuery, filters ? { filters } : {})).sessions.map((s) => [
        s.session_id,
        s.friction_score,
      ]);
    expect(await sessions()).toEqual([
      ['sA', 5],
      ['sB', 3],
      ['sC', 1],
    ]);
    expect(await sessions(IN_GERMANY)).toEqual([
      ['sA', 5],
      ['sC', 1],
    ]);
  });

  it('interventions: only the matching sessions count, per rule', async () => {
    const rules = async (filters?: QueryFilter[]) =>
      (await run(interventionsQuery, filters ? { filters } : {})).rules.map((r) => [
        r.rule_id,
        r.targeted.sessions,
        r.targeted.interventions,
        r.targeted.journeys,
        r.targeted.completed_journeys,
      ]);
    expect(await rules()).toEqual([
      ['r1', 2, 2, 2, 1],
      ['r2', 1, 1, 1, 0],
    ]);
    expect(await rules(IN_GERMANY)).toEqual([['r1', 1, 1, 1, 1]]);
    expect(await rules(NOBODY)).toEqual([]);
  });
});
