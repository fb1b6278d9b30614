import { DEMO_KEY_SETTINGS, NO_KEY_SETTINGS } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_JOURNEYS_PER_GROUP } from '../../src/query/completion-comparison.js';
import { interventionsQuery } from '../../src/query/interventions.js';
import { newcombeDifference } from '../../src/query/newcombe-interval.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import type { InterventionRecord, JourneyRecord } from '../../src/storage/processor-records.js';
import { makeBatch, makeIntervention, makeJourney } from '../support/processor-records.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const NOW = 50_000_000;
const PROJECT = 'p1';
const KEY_JOURNEY = DEMO_KEY_SETTINGS.key_journey!;

/**
 * `count` sessions of one rule and group, each with one intervention and one key journey, the
 * first `completed` of them completed. Another journey name in each session must not count.
 */
function sessions(rule: string, heldOut: boolean, count: number, completed: number) {
  const interventions: InterventionRecord[] = [];
  const journeys: JourneyRecord[] = [];
  for (let i = 0; i < count; i++) {
    const session = `${rule}-${heldOut ? 'h' : 't'}-${i}`;
    interventions.push(
      makeIntervention({
        id: `int-${session}`,
        project_id: PROJECT,
        session_id: session,
        rule_id: rule,
        action: 'offer_support',
        held_out: heldOut,
        created_at: NOW - 60_000,
        delivered_at: heldOut ? null : NOW - 59_000,
      }),
    );
    journeys.push(
      makeJourney({
        id: `jny-${session}`,
        project_id: PROJECT,
        session_id: session,
        journey_name: KEY_JOURNEY,
        status: i < completed ? 'completed' : 'abandoned',
        started_at: NOW - 120_000,
      }),
      makeJourney({
        id: `other-${session}`,
        project_id: PROJECT,
        session_id: session,
        journey_name: 'other',
      }),
    );
  }
  return { interventions, journeys };
}

describe.each(ENGINES)('interventions: honest targeted vs hold-out comparison on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    // `enough`: both groups past the minimum; `tiny`: the "76.9 % vs 100 %" of 2 hold-out journeys.
    const parts = [
      sessions('enough', false, 40, 34),
      sessions('enough', true, MIN_JOURNEYS_PER_GROUP, 18),
      sessions('tiny', false, 13, 10),
      sessions('tiny', true, 2, 2),
    ];
    await engine.commitProcessorBatch(
      makeBatch({
        interventions: parts.flatMap((p) => p.interventions),
        journeys: parts.flatMap((p) => p.journeys),
      }),
    );
  });
  afterAll(async () => {
    await engine.close();
  });

  it('carries both sample sizes, the difference with its 95 % interval, and whether there is enough data', async () => {
    const { rules, key_journey } = await runQuery(
      engine,
      interventionsQuery,
      PROJECT,
      { time_range: '1h' },
      NOW,
    );
    expect(key_journey).toBe(KEY_JOURNEY);
    const [enough, tiny] = rules;
    expect(rules.map((r) => r.rule_id)).toEqual(['enough', 'tiny']);

    expect(enough!.targeted).toMatchObject({
      sessions: 40,
      delivered: 40,
      journeys: 40,
      completed_journeys: 34,
    });
    expect(enough!.held_out).toMatchObject({
      sessions: 30,
      delivered: 0,
      journeys: 30,
      completed_journeys: 18,
    });
    const expected = newcombeDifference(34, 40, 18, 30);
    expect(enough!.comparison).toEqual({
      difference: expect.closeTo(0.85 - 0.6, 12),
      ci_low: expect.closeTo(expected.low, 12),
      ci_high: expect.closeTo(expected.high, 12),
      confidence: 0.95,
      enough_data: true,
      min_journeys_per_group: MIN_JOURNEYS_PER_GROUP,
      verdict: 'targeted_higher',
    });
    expect(expected.low).toBeGreaterThan(0);

    expect(tiny!.targeted).toMatchObject({ journeys: 13, completed_journeys: 10 });
    expect(tiny!.held_out).toMatchObject({ journeys: 2, completed_journeys: 2, completion_rate: 1 });
    expect(tiny!.comparison).toMatchObject({
      enough_data: false,
      verdict: null,
      min_journeys_per_group: MIN_JOURNEYS_PER_GROUP,
    });
    expect(tiny!.comparison.difference).toBeCloseTo(10 / 13 - 1, 12);
    expect(tiny!.comparison.ci_low).toBeLessThan(0);
    expect(tiny!.comparison.ci_high).toBeGreaterThan(0);
  });

  it('without a key journey: no journeys, no difference, no verdict', async () => {
    const { rules } = await runQuery(
      engine,
      interventionsQuery,
      PROJECT,
      { time_range: '1h' },
      NOW,
      NO_KEY_SETTINGS,
    );
    for (const rule of rules) {
      expect(rule.targeted.journeys).toBe(0);
      expect(rule.comparison).toMatchObject({
        difference: null,
        ci_low: null,
        enough_data: false,
        verdict: null,
      });
    }
  });
});
