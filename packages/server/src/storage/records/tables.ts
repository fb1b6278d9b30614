import type { BotCount, Project, ProjectSettingsRow, ShareKeyRow, SignInSessionRow } from '../engine.js';
import type {
  InsightRecord,
  InterventionRecord,
  JourneyRecord,
  ProjectRules,
  SessionFrictionRecord,
  SessionStateRow,
  WebhookConfig,
} from '../processor-records.js';
import {
  type AnyRecordTable,
  bool,
  float64,
  int64,
  json,
  nullableInt64,
  nullableString,
  type RecordTable,
  string,
  uint16,
} from './columns.js';

/*
 * Every record table, declared once: both engines' DDL is rendered from these (DuckDB: one table
 * each; ClickHouse: `<name>_versions` + a view `<name>`), and the stores read and write through
 * them. Columns keep the order the tables have always had, so existing DuckDB files only migrate
 * where a table's shape really changed (duckdb/migrations.ts).
 */

/** An insight as stored: the record plus when its status last changed (null until it does). */
export type InsightRow = InsightRecord & { status_changed_at: number | null };

/**
 * `node`: each Sightline node has its own processor (docs/SCALING.md), hence its own state and
 * checkpoint; DuckDB has one node, 0.
 */
export type ProcessorSessionRow = SessionStateRow & { node: number };
export interface ProcessorCheckpointRow {
  node: number;
  checkpoint: number;
}
export interface ProcessorStateRow {
  node: number;
  state_seq: number;
  globals: string;
}

export const PROJECTS: RecordTable<Project, 'id'> = {
  name: 'projects',
  columns: { id: string, name: string, public_key: string, secret_key_hash: string, created_at: int64 },
  key: ['id'],
};

export const JOURNEYS: RecordTable<JourneyRecord, 'project_id' | 'id'> = {
  name: 'journeys',
  columns: {
    id: string,
    project_id: string,
    session_id: string,
    distinct_id: string,
    journey_name: string,
    status: string,
    steps: json,
    started_at: int64,
    ended_at: nullableInt64,
    total_duration: nullableInt64,
    completion_rate: float64,
    abandon_reason: nullableString,
  },
  key: ['project_id', 'id'],
};

export const INSIGHTS: RecordTable<InsightRow, 'project_id' | 'id'> = {
  name: 'insights',
  columns: {
    id: string,
    project_id: string,
    insight_type: string,
    severity: string,
    session_id: string,
    distinct_id: string,
    status: string,
    data: json,
    generated_at: int64,
    created_at: int64,
    status_changed_at: nullableInt64,
    time_range: string,
    problem: string,
    factor: string,
  },
  key: ['project_id', 'id'],
};

export const INTERVENTIONS: RecordTable<InterventionRecord, 'id' | 'project_id'> = {
  name: 'interventions',
  columns: {
    id: string,
    project_id: string,
    session_id: string,
    distinct_id: string,
    insight_id: string,
    insight_type: string,
    rule_id: string,
    action: string,
    message: string,
    risk_factors: json,
    held_out: bool,
    created_at: int64,
    delivered_at: nullableInt64,
    shown_at: nullableInt64,
    result: nullableString,
    result_at: nullableInt64,
  },
  key: ['id', 'project_id'],
};

export const SESSION_FRICTION: RecordTable<SessionFrictionRecord, 'project_id' | 'session_id'> = {
  name: 'session_friction',
  columns: {
    project_id: string,
    session_id: string,
    distinct_id: string,
    friction_score: float64,
    factors: json,
    updated_at: int64,
  },
  key: ['project_id', 'session_id'],
};

export const PROCESSOR_SESSIONS: RecordTable<ProcessorSessionRow, 'node' | 'project_id' | 'session_id'> = {
  name: 'processor_sessions',
  columns: { node: uint16, project_id: string, session_id: string, state: string },
  key: ['node', 'project_id', 'session_id'],
};

export const PROCESSOR_CHECKPOINT: RecordTable<ProcessorCheckpointRow, 'node'> = {
  name: 'processor_checkpoint',
  columns: { node: uint16, checkpoint: int64 },
  key: ['node'],
};

export const PROCESSOR_STATE: RecordTable<ProcessorStateRow, 'node'> = {
  name: 'processor_state',
  columns: { node: uint16, state_seq: int64, globals: string },
  key: ['node'],
};

export const INTERVENTION_RULES: RecordTable<ProjectRules, 'project_id'> = {
  name: 'intervention_rules',
  columns: { project_id: string, rules: json },
  key: ['project_id'],
};

export const WEBHOOKS: RecordTable<WebhookConfig, 'project_id'> = {
  name: 'webhooks',
  columns: { project_id: string, url: string },
  key: ['project_id'],
};

export const PROJECT_SETTINGS: RecordTable<ProjectSettingsRow, 'project_id'> = {
  name: 'project_settings',
  columns: { project_id: string, settings_json: string },
  key: ['project_id'],
};

export const SHARE_KEYS: RecordTable<ShareKeyRow, 'project_id' | 'id'> = {
  name: 'share_keys',
  columns: {
    id: string,
    project_id: string,
    key_hash: string,
    label: string,
    created_at: int64,
    revoked_at: nullableInt64,
  },
  key: ['project_id', 'id'],
};

export const SIGN_IN_SESSIONS: RecordTable<SignInSessionRow, 'id_hash'> = {
  name: 'sign_in_sessions',
  columns: {
    id_hash: string,
    project_id: string,
    created_at: int64,
    expires_at: int64,
    revoked_at: nullableInt64,
  },
  key: ['id_hash'],
};

/**
 * Bot events dropped at ingest, per project, UTC day and node: each node adds to its own row (a
 * read and a put in one transaction of its record lane), so nodes sharing a ClickHouse never
 * overwrite each other's counts; readers sum over nodes. DuckDB is node 0.
 */
export type BotCountRow = BotCount & { node: number };

export const BOT_COUNTS: RecordTable<BotCountRow, 'project_id' | 'day' | 'node'> = {
  name: 'bot_counts',
  columns: { project_id: string, day: int64, node: uint16, dropped: int64 },
  key: ['project_id', 'day', 'node'],
};

/** Every record table, in the order their DDL runs. */
export const RECORD_TABLES: readonly AnyRecordTable[] = [
  PROJECTS,
  JOURNEYS,
  INSIGHTS,
  INTERVENTIONS,
  SESSION_FRICTION,
  PROCESSOR_SESSIONS,
  PROCESSOR_CHECKPOINT,
  PROCESSOR_STATE,
  INTERVENTION_RULES,
  WEBHOOKS,
  PROJECT_SETTINGS,
  SHARE_KEYS,
  SIGN_IN_SESSIONS,
  BOT_COUNTS,
];
