import { type AnyRecordTable, type ColumnKind, type ColumnSpec, columnsOf } from '../records/columns.js';
import { ADDED_EVENT_COLUMNS } from '../stored-event.js';
import { BOOL_TYPE } from './values.js';

/** `events`' first columns, then those added since (ADDED_EVENT_COLUMNS), as migrations.ts adds them. */
function eventTableColumns(): string {
  const added = ADDED_EVENT_COLUMNS.map(({ name, spec }) => `, ${addedColumn(name, spec)}`).join('');
  return `(
  project_id String, uuid String, seq Int64, event String, distinct_id String, session_id String,
  timestamp Int64, received_at Int64, url String, path String, referrer String, browser String,
  os String, device String, properties String, fp_hi UInt32, fp_lo UInt32${added}
)`;
}

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

/** The tables holding `events`' columns: `events` itself and, on a cluster, each shard's local table. */
export function eventTables(layout: Layout): Array<{ database?: string; table: string }> {
  if (!layout.cluster) return [{ table: 'events' }];
  const local = localEventsTable(layout);
  return [
    ...layout.cluster.shardDatabases.map((database) => ({ database, table: local })),
    { table: 'events' },
  ];
}

export function eventsDdl(layout: Layout): string[] {
  const columns = eventTableColumns();
  if (!layout.cluster) return [`CREATE TABLE IF NOT EXISTS events ${columns} ${EVENTS_ENGINE}`];
  const local = localEventsTable(layout);
  return [
    ...layout.cluster.shardDatabases.flatMap((db) => [
      `CREATE DATABASE IF NOT EXISTS ${db}`,
      `CREATE TABLE IF NOT EXISTS ${db}.${local} ${columns} ${EVENTS_ENGINE}`,
    ]),
    // '' database: each shard's replica names its database (default_database in remote_servers).
    // Keyed by session: a session's events live on one shard, so per-session work stays local there.
    `CREATE TABLE IF NOT EXISTS events ${columns}
      ENGINE = Distributed(${layout.cluster.name}, '', ${local}, cityHash64(session_id))`,
  ];
}

/** Each column kind's ClickHouse type (18.16 has no Bool: an Enum, values.ts). JSON is text. */
const CLICKHOUSE_TYPES: Record<ColumnKind, string> = {
  string: 'String',
  int64: 'Int64',
  uint16: 'UInt16',
  float64: 'Float64',
  bool: BOOL_TYPE,
  json: 'String',
};

/** A declared column's ClickHouse type. */
export function columnType(spec: ColumnSpec): string {
  const type = CLICKHOUSE_TYPES[spec.kind];
  return spec.nullable ? `Nullable(${type})` : type;
}

/** What rows written before a column existed read as (a nullable column: NULL, ClickHouse's own default). */
export function zeroDefault(spec: ColumnSpec): string {
  if (spec.nullable) return '';
  if (spec.kind === 'string') return " DEFAULT ''";
  if (spec.kind === 'json') return " DEFAULT 'null'";
  if (spec.kind === 'bool') return " DEFAULT 'false'";
  return ' DEFAULT 0';
}

/** A column of ADDED_EVENT_COLUMNS as created and as added (migrations.ts). */
export function addedColumn(name: string, spec: ColumnSpec): string {
  return `${name} ${columnType(spec)}${zeroDefault(spec)}`;
}

/**
 * A record table (records/tables.ts): rows are versions in a ReplacingMergeTree keyed by the
 * record's key, and a view of the same name (recordViewDdl) shows the newest version (FINAL), minus
 * deleted ones. Writes never update in place (18.16 has no cheap UPDATE): they insert a new
 * version (record-executor.ts). FINAL merges at read time, which these small tables afford;
 * `events` does not need it (see EVENTS_ENGINE).
 */
export function versionsTableDdl(table: AnyRecordTable): string {
  const columns = columnsOf(table).map(([name, spec]) => `${name} ${columnType(spec)}`);
  return `CREATE TABLE IF NOT EXISTS ${table.name}_versions (${columns.join(', ')}, _deleted UInt8, _version UInt64)
      ENGINE = ReplacingMergeTree(_version) ORDER BY (${table.key.join(', ')})`;
}

export function recordViewDdl(table: AnyRecordTable): string {
  const names = columnsOf(table).map(([name]) => name);
  return `CREATE VIEW IF NOT EXISTS ${table.name} AS SELECT ${names.join(', ')} FROM ${table.name}_versions FINAL WHERE _deleted = 0`;
}
