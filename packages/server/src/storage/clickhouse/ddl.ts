import { BOOL_TYPE } from './values.js';

const EVENT_TABLE_COLUMNS = `(
  project_id String, uuid String, seq Int64, event String, distinct_id String, session_id String,
  timestamp Int64, received_at Int64, url String, path String, referrer String, browser String,
  os String, device String, properties String, fp_hi UInt32, fp_lo UInt32
)`;

/**
 * Plain MergeTree: duplicates are refused at insert (event-writer.ts), so reads need no FINAL.
 * Sorted by (project_id, timestamp): every query is one project's time range. Partitions of
 * 30 days keep the part count low and let old data be dropped by partition.
 */
const EVENTS_ENGINE = `ENGINE = MergeTree PARTITION BY intDiv(timestamp, 2592000000)
  ORDER BY (project_id, timestamp, session_id)`;

export interface Layout {
  /** Sightline's own database: processor tables, projects, and `events` (or its Distributed table). */
  database: string;
  /** remote_servers cluster: `events` becomes a Distributed table over `<database>_events` on each shard. */
  cluster?: { name: string; shardDatabases: string[] } | undefined;
}

export const localEventsTable = (layout: Layout) => `${layout.database}_events`;

export function eventsDdl(layout: Layout): string[] {
  if (!layout.cluster) return [`CREATE TABLE IF NOT EXISTS events ${EVENT_TABLE_COLUMNS} ${EVENTS_ENGINE}`];
  const local = localEventsTable(layout);
  return [
    ...layout.cluster.shardDatabases.flatMap((db) => [
      `CREATE DATABASE IF NOT EXISTS ${db}`,
      `CREATE TABLE IF NOT EXISTS ${db}.${local} ${EVENT_TABLE_COLUMNS} ${EVENTS_ENGINE}`,
    ]),
    // '' database: each shard's replica names its database (default_database in remote_servers).
    // Keyed by session: a session's events live on one shard, so per-session work stays local there.
    `CREATE TABLE IF NOT EXISTS events ${EVENT_TABLE_COLUMNS}
      ENGINE = Distributed(${layout.cluster.name}, '', ${local}, cityHash64(session_id))`,
  ];
}

/**
 * A mutable record kind: rows are versions in a ReplacingMergeTree keyed by the record's key, and a
 * view of the same name shows the newest version (FINAL), minus deleted ones. Writes never update in
 * place (18.16 has no cheap UPDATE): they insert a new version. FINAL merges at read time, which
 * these small tables afford; `events` does not need it (see EVENTS_ENGINE).
 */
function versioned(name: string, columns: string, key: string): string[] {
  const names = columns
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0])
    .join(', ');
  return [
    `CREATE TABLE IF NOT EXISTS ${name}_versions (${columns}, _deleted UInt8, _version UInt64)
      ENGINE = ReplacingMergeTree(_version) ORDER BY (${key})`,
    `CREATE VIEW IF NOT EXISTS ${name} AS SELECT ${names} FROM ${name}_versions FINAL WHERE _deleted = 0`,
  ];
}

export const VERSIONED_COLUMNS = {
  projects: 'id String, name String, public_key String, secret_key_hash String, created_at Int64',
  journeys: `id String, project_id String, session_id String, distinct_id String, journey_name String,
    status String, steps String, started_at Int64, ended_at Nullable(Int64), total_duration Nullable(Int64),
    completion_rate Float64, abandon_reason Nullable(String)`,
  insights: `id String, project_id String, insight_type String, severity String, session_id String,
    distinct_id String, status String, data String, generated_at Int64, created_at Int64,
    status_changed_at Nullable(Int64), time_range String`,
  interventions: `id String, project_id String, session_id String, distinct_id String, insight_id String,
    insight_type String, rule_id String, action String, message String, risk_factors String,
    held_out ${BOOL_TYPE}, created_at Int64, delivered_at Nullable(Int64), shown_at Nullable(Int64),
    result Nullable(String), result_at Nullable(Int64)`,
  session_friction: `project_id String, session_id String, distinct_id String, friction_score Float64,
    factors String, updated_at Int64`,
  // node: each Sightline node has its own processor (docs/SCALING.md), hence its own state and checkpoint.
  processor_sessions: 'node UInt16, project_id String, session_id String, state String',
  processor_checkpoint: 'node UInt16, checkpoint Int64',
  processor_state: 'node UInt16, state_seq Int64, globals String',
  intervention_rules: 'project_id String, rules String',
  webhooks: 'project_id String, url String',
  project_settings: 'project_id String, settings_json String',
} as const;

const KEYS: Record<keyof typeof VERSIONED_COLUMNS, string> = {
  projects: 'id',
  journeys: 'project_id, id',
  insights: 'project_id, id',
  interventions: 'id, project_id',
  session_friction: 'project_id, session_id',
  processor_sessions: 'node, project_id, session_id',
  processor_checkpoint: 'node',
  processor_state: 'node',
  intervention_rules: 'project_id',
  webhooks: 'project_id',
  project_settings: 'project_id',
};

export function clickhouseDdl(layout: Layout): string[] {
  const versionedTables = Object.entries(VERSIONED_COLUMNS).flatMap(([name, columns]) =>
    versioned(name, columns, KEYS[name as keyof typeof VERSIONED_COLUMNS]),
  );
  return [...eventsDdl(layout), ...versionedTables];
}
