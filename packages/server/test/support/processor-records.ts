import type {
  InsightRecord,
  InterventionRecord,
  JourneyRecord,
  ProcessorBatch,
} from '../../src/storage/processor-records.js';

export function makeJourney(overrides: Partial<JourneyRecord> = {}): JourneyRecord {
  return {
    id: 'jny_1',
    project_id: 'p1',
    session_id: 's1',
    distinct_id: 'd1',
    journey_name: 'checkout',
    status: 'active',
    steps: [{ step: 'cart', timestamp: 1000, duration: 0, metadata: { items: 2, note: "it's" } }],
    started_at: 1000,
    ended_at: null,
    total_duration: null,
    completion_rate: 0.5,
    abandon_reason: null,
    ...overrides,
  };
}

export function makeInsight(overrides: Partial<InsightRecord> = {}): InsightRecord {
  return {
    id: 'ins_1',
    project_id: 'p1',
    insight_type: 'user_at_risk',
    severity: 'high',
    session_id: 's1',
    distinct_id: 'd1',
    status: 'open',
    data: {
      risk_factors: ['error_encountered'],
      recommended_actions: ['Display better error recovery options'],
      evidence: ['u1'],
    },
    generated_at: 2000,
    created_at: 3000,
    time_range: 'real_time',
    problem: 'user_at_risk:error_encountered:',
    factor: 'error_encountered',
    ...overrides,
  };
}

export function makeIntervention(overrides: Partial<InterventionRecord> = {}): InterventionRecord {
  return {
    id: 'int_1',
    project_id: 'p1',
    session_id: 's1',
    distinct_id: 'd1',
    insight_id: 'ins_1',
    insight_type: 'user_at_risk',
    rule_id: 'error_support',
    action: 'offer_support',
    message: 'Need help?',
    risk_factors: ['error_encountered'],
    held_out: false,
    created_at: 3000,
    delivered_at: null,
    shown_at: null,
    result: null,
    result_at: null,
    ...overrides,
  };
}

export function makeBatch(overrides: Partial<ProcessorBatch> = {}): ProcessorBatch {
  return {
    checkpoint: 10,
    journeys: [],
    insights: [],
    interventions: [],
    feedback: [],
    friction: [],

    ...overrides,
  };
}
