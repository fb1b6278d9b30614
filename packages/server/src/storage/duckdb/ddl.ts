/** DuckDB tables. `dedupe_key` = md5 of (project_id, uuid) as a 128-bit integer: a compact unique index. */
export const DUCKDB_DDL = [
  `CREATE TABLE IF NOT EXISTS projects (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    public_key VARCHAR NOT NULL UNIQUE,
    secret_key_hash VARCHAR NOT NULL,
    created_at BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS events (
    project_id VARCHAR NOT NULL,
    uuid VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    event VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    timestamp BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    url VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    referrer VARCHAR NOT NULL,
    browser VARCHAR NOT NULL,
    os VARCHAR NOT NULL,
    device VARCHAR NOT NULL,
    properties VARCHAR NOT NULL,
    dedupe_key UHUGEINT PRIMARY KEY
  )`,
];

/** Column order shared by the staging table, the appender and the insert. */
export const EVENT_COLUMNS = [
  'project_id',
  'uuid',
  'seq',
  'event',
  'distinct_id',
  'session_id',
  'timestamp',
  'received_at',
  'url',
  'path',
  'referrer',
  'browser',
  'os',
  'device',
  'properties',
] as const;

export const STAGING_DDL = `CREATE TEMP TABLE IF NOT EXISTS staging_events AS SELECT ${EVENT_COLUMNS.join(', ')} FROM events LIMIT 0`;

export const INSERT_FROM_STAGING = `INSERT OR IGNORE INTO events
  SELECT ${EVENT_COLUMNS.join(', ')}, md5_number(project_id || chr(0) || uuid) FROM staging_events
  RETURNING seq`;
