import { PROCESSOR_DDL } from './processor-ddl.js';

/** DuckDB tables. `fp_hi`/`fp_lo`: the 64-bit fingerprint of (project_id, uuid) that dedupe rebuilds from at start (fingerprints.ts). */
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
    fp_hi UINTEGER NOT NULL,
    fp_lo UINTEGER NOT NULL
  )`,
  ...PROCESSOR_DDL,
];
