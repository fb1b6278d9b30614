/**
 * Tables of the stream processor (storage/processor-records.ts). JSON-valued fields are VARCHAR
 * holding JSON text. No primary keys: the processor writes each batch as delete-then-insert,
 * which DuckDB's eager unique checks would refuse inside one transaction.
 */
export const PROCESSOR_DDL = [
  `CREATE TABLE IF NOT EXISTS journeys (
    id VARCHAR NOT NULL,
    project_id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    journey_name VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    steps VARCHAR NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    total_duration BIGINT,
    completion_rate DOUBLE NOT NULL,
    abandon_reason VARCHAR
  )`,
  `CREATE TABLE IF NOT EXISTS insights (
    id VARCHAR NOT NULL,
    project_id VARCHAR NOT NULL,
    insight_type VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    data VARCHAR NOT NULL,
    generated_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    status_changed_at BIGINT,
    time_range VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS interventions (
    id VARCHAR NOT NULL,
    project_id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    insight_id VARCHAR NOT NULL,
    insight_type VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    risk_factors VARCHAR NOT NULL,
    held_out BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    shown_at BIGINT,
    result VARCHAR,
    result_at BIGINT
  )`,
  `CREATE TABLE IF NOT EXISTS session_friction (
    project_id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    friction_score DOUBLE NOT NULL,
    factors VARCHAR NOT NULL,
    updated_at BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS processor_sessions (
    session_key VARCHAR NOT NULL,
    project_id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    state VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS processor_checkpoint (
    checkpoint BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS processor_state (
    state_seq BIGINT NOT NULL,
    globals VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS intervention_rules (
    project_id VARCHAR NOT NULL,
    rules VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS webhooks (
    project_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS project_settings (
    project_id VARCHAR NOT NULL,
    settings_json VARCHAR NOT NULL
  )`,
];
