import type { KeySettings, QueryFilter } from '@sightline/schema';
import type { EventRow } from '../../src/storage/engine.js';
import type { ProcessorBatch } from '../../src/storage/processor-records.js';
import { makeBatch, makeInsight, makeIntervention, makeJourney } from '../support/processor-records.js';
import { makeRow } from '../support/rows.js';

/**
 * Five sessions small enough to answer every filtered query by hand (the expected values in
 * filters-events.test.ts and filters-processor.test.ts are worked out from this table):
 *
 * | session | user | country | events (ms after START)                                            |
 * |---------|------|---------|--------------------------------------------------------------------|
 * | sA      | uA   | DE      | page_view /home 0, page_view /pricing 1000, signup /pricing 2000 (note HOSTILE) |
 * | sB      | uB   | US      | page_view /home 0, page_view /docs 1000, signup /docs 3000 (note "50 off") |
 * | sC      | uC   | DE      | page_view /pricing 0, click /pricing 500 (note "a_b")              |
 * | sD      | uA   | FR      | page_view /home 0, $exception /home 100 (note "axb")               |
 * | sE      | uE   | DE      | page_view /docs 0, signup /docs 60 000                             |
 *
 * The processor's outputs (insights, journeys, friction, interventions) name sA, sB, sC and sE.
 */

export const PROJECT = 'p-filters-everywhere';
/** A whole hour, so minute buckets start on it. */
export const HOUR = 1_700_002_800_000;
export const START = HOUR + 600_000;
export const RANGE = { from: HOUR, to: HOUR + 3_600_000 };
export const NOW = RANGE.to;

/** Quotes, a backslash, LIKE's % and _: a value that must reach the engine as plain text. */
export const HOSTILE = `it's "50%" off \\ a_b`;

/** The filter most tests use: sessions sA, sC and sE. */
export const IN_GERMANY: QueryFilter[] = [{ property: 'country', op: 'eq', value: 'DE' }];
/** The funnel step most tests use: a page view of /pricing. */
export const PRICING_VIEW = {
  event: 'page_view',
  filters: [{ property: 'path', op: 'eq', value: '/pricing' }] as QueryFilter[],
};

/** The key funnel the overview, drop_offs and dashboard read here. */
export const SETTINGS: KeySettings = {
  key_funnel: { steps: ['page_view', 'signup'], unit: 'session', window_ms: 3_600_000 },
  key_journey: 'checkout',
};

type Spec = [event: string, offset: number, path: string, note?: string];

const SESSIONS: Array<{ session: string; user: string; country: string; events: Spec[] }> = [
  {
    session: 'sA',
    user: 'uA',
    country: 'DE',
    events: [
      ['page_view', 0, '/home'],
      ['page_view', 1000, '/pricing'],
      ['signup', 2000, '/pricing', HOSTILE],
    ],
  },
  {
    session: 'sB',
    user: 'uB',
    country: 'US',
    events: [
      ['page_view', 0, '/home'],
      ['page_view', 1000, '/docs'],
      ['signup', 3000, '/docs', '50 off'],
    ],
  },
  {
    session: 'sC',
    user: 'uC',
    country: 'DE',
    events: [
      ['page_view', 0, '/pricing'],
      ['click', 500, '/pricing', 'a_b'],
    ],
  },
  {
    session: 'sD',
    user: 'uA',
    country: 'FR',
    events: [
      ['page_view', 0, '/home'],
      ['$exception', 100, '/home', 'axb'],
    ],
  },
  {
    session: 'sE',
    user: 'uE',
    country: 'DE',
    events: [
      ['page_view', 0, '/docs'],
      ['signup', 60_000, '/docs'],
    ],
  },
];

export const ROWS: EventRow[] = SESSIONS.flatMap(({ session, user, country, events }) =>
  events.map(([event, offset, path, note]) =>
    makeRow({
      project_id: PROJECT,
      uuid: `${session}-${offset}`,
      event,
      session_id: session,
      distinct_id: user,
      country,
      timestamp: START + offset,
      received_at: START + offset,
      url: `https://shop.test${path}`,
      path,
      properties: JSON.stringify(note === undefined ? {} : { note }),
    }),
  ),
);

const at = (offset: number) => START + offset;

export const PROCESSOR_BATCH: ProcessorBatch = makeBatch({
  insights: [
    makeInsight({
      id: 'ins_a',
      project_id: PROJECT,
      session_id: 'sA',
      distinct_id: 'uA',
      generated_at: at(2000),
    }),
    makeInsight({
      id: 'ins_b',
      project_id: PROJECT,
      session_id: 'sB',
      distinct_id: 'uB',
      generated_at: at(3000),
    }),
    makeInsight({
      id: 'ins_c',
      project_id: PROJECT,
      session_id: 'sC',
      distinct_id: 'uC',
      insight_type: 'journey_completed',
      severity: 'low',
      data: { risk_factors: [], recommended_actions: [], evidence: [] },
      problem: '',
      factor: '',
      generated_at: at(500),
    }),
  ],
  journeys: [
    makeJourney({ id: 'j_a', project_id: PROJECT, session_id: 'sA', status: 'completed', started_at: at(0) }),
    makeJourney({ id: 'j_b', project_id: PROJECT, session_id: 'sB', status: 'active', started_at: at(0) }),
    makeJourney({ id: 'j_e', project_id: PROJECT, session_id: 'sE', status: 'abandoned', started_at: at(0) }),
  ],
  friction: [
    {
      project_id: PROJECT,
      session_id: 'sA',
      distinct_id: 'uA',
      friction_score: 5,
      factors: { error_encountered: 1 },
      updated_at: at(2000),
    },
    {
      project_id: PROJECT,
      session_id: 'sB',
      distinct_id: 'uB',
      friction_score: 3,
      factors: { dead_click: 1 },
      updated_at: at(3000),
    },
    {
      project_id: PROJECT,
      session_id: 'sC',
      distinct_id: 'uC',
      friction_score: 1,
      factors: { rage_click: 1 },
      updated_at: at(500),
    },
  ],
  interventions: [
    makeIntervention({
      id: 'int_a',
      project_id: PROJECT,
      session_id: 'sA',
      rule_id: 'r1',
      created_at: at(2000),
    }),
    makeIntervention({
      id: 'int_b1',
      project_id: PROJECT,
      session_id: 'sB',
      rule_id: 'r1',
      created_at: at(3000),
    }),
    makeIntervention({
      id: 'int_b2',
      project_id: PROJECT,
      session_id: 'sB',
      rule_id: 'r2',
      created_at: at(3000),
    }),
  ],
});
