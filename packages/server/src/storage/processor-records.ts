/**
 * What the stream processor stores (docs/ARCHITECTURE.md, The stream processor): journeys, insights, interventions, per-session
 * friction, its own session state and checkpoint, and the per-project settings it reads.
 * Engine-agnostic shapes; JSON-valued fields travel as objects, stored as JSON text (records/tables.ts).
 */

import type { InsightSeverity, InsightStatus, JourneyStatus } from '@sightline/schema';

// Statuses and severities are part of query results too: declared once in @sightline/schema.
export type { InsightSeverity, InsightStatus, JourneyStatus };

export interface JourneyStepRecord {
  step: string;
  timestamp: number;
  /** ms since the previous step (0 for the first). */
  duration: number;
  metadata: Record<string, unknown>;
}

/** A stored journey (docs/SEMANTICS.md, Journeys), one per (session, journey run). */
export interface JourneyRecord {
  id: string;
  project_id: string;
  session_id: string;
  distinct_id: string;
  journey_name: string;
  status: JourneyStatus;
  steps: JourneyStepRecord[];
  started_at: number;
  ended_at: number | null;
  total_duration: number | null;
  /** completed / started for this journey name in the project, when this record was written. */
  completion_rate: number;
  abandon_reason: string | null;
}

export interface InsightData {
  risk_factors: string[];
  recommended_actions: string[];
  /** uuids of the events that led to the insight. */
  evidence: string[];
  [extra: string]: unknown;
}

/** A stored insight with the fields of docs/API.md (Insights and interventions, `insights`). */
export interface InsightRecord {
  id: string;
  project_id: string;
  insight_type: string;
  severity: InsightSeverity;
  session_id: string;
  distinct_id: string;
  status: InsightStatus;
  data: InsightData;
  /** Event time the insight refers to (ms). */
  generated_at: number;
  /** Server time it was stored (ms). */
  created_at: number;
  time_range: string;
  /**
   * Its problem key (processor/problem-key.ts; '' for an outcome, and for insights stored before
   * keys existed) and the catalogue factor of that problem ('' when none): columns of their own,
   * so queries group and filter by them without reading the JSON `data`.
   */
  problem: string;
  factor: string;
}

export interface InterventionRecord {
  id: string;
  project_id: string;
  session_id: string;
  distinct_id: string;
  insight_id: string;
  insight_type: string;
  rule_id: string;
  action: string;
  message: string;
  risk_factors: string[];
  /** In the hold-out group: recorded, never delivered. */
  held_out: boolean;
  created_at: number;
  delivered_at: number | null;
  shown_at: number | null;
  result: string | null;
  result_at: number | null;
}

/** `$intervention_shown` / `$intervention_result` closing the loop. */
export interface InterventionFeedback {
  project_id: string;
  intervention_id: string;
  shown_at?: number;
  result?: string;
  result_at?: number;
}

export interface SessionFrictionRecord {
  project_id: string;
  session_id: string;
  distinct_id: string;
  friction_score: number;
  /** Detections per risk factor. */
  factors: Record<string, number>;
  updated_at: number;
}

/** The processor's state of one session, opaque to the engine (JSON text). */
export interface SessionStateRow {
  project_id: string;
  session_id: string;
  state: string;
}

/**
 * The processor's memory as of `seq` (≤ the output checkpoint): saved now and then, in its own
 * transaction, because it is large; a restart replays from `seq`, and the outputs it recomputes up
 * to the checkpoint are already stored (same ids).
 */
export interface StateSnapshot {
  seq: number;
  /** The processor's stream clock and other global state (JSON text). */
  globals: string;
  /** Sessions changed since the previous snapshot: replaced by (project_id, session_id). */
  sessions: SessionStateRow[];
  /** Sessions gone since the previous snapshot: removed. */
  evictedSessions: Array<{ project_id: string; session_id: string }>;
}

export interface ProcessorBatch {
  /** Last seq the outputs account for; must not be lower than the stored one. */
  checkpoint: number;
  /** Inserted or replaced by id. */
  journeys: JourneyRecord[];
  /** Inserted unless the id exists. */
  insights: InsightRecord[];
  /** Inserted unless the id exists. */
  interventions: InterventionRecord[];
  feedback: InterventionFeedback[];
  /** Replaced by (project_id, session_id). */
  friction: SessionFrictionRecord[];
}

export interface ProcessorSnapshot {
  /** Outputs are stored up to this seq. */
  checkpoint: number;
  /** The state below is as of this seq (≤ checkpoint). */
  stateSeq: number;
  globals: string | null;
  sessions: SessionStateRow[];
}

/** Maps risk factors to an action; the first matching rule wins. */
export interface InterventionRule {
  id: string;
  /** Any of these risk factors (or insight types) triggers the rule. */
  when: string[];
  action: string;
  message: string;
}

export interface ProjectRules {
  project_id: string;
  rules: InterventionRule[];
}

export interface WebhookConfig {
  project_id: string;
  url: string;
}
