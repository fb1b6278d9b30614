import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { raw, sql } from '../../src/sql/sql.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { RECORD_TABLES } from '../../src/storage/records/tables.js';
import { makeBatch, makeInsight, makeIntervention } from '../support/processor-records.js';
import { makeRow } from '../support/rows.js';

/**
 * The record tables exactly as DuckDB files were created before the record tables were declared
 * once (storage/duckdb/ddl.ts and processor-ddl.ts of that version), copied here as they were.
 */
const PREVIOUS_RECORD_DDL = [
  `CREATE TABLE IF NOT EXISTS projects (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    public_key VARCHAR NOT NULL UNIQUE,
    secret_key_hash VARCHAR NOT NULL,
    created_at BIGINT NOT NULL
  )`,
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

/** Rows as that version wrote them (processor_sessions keyed by project ␟ session). */
const PREVIOUS_ROWS = [
  `INSERT INTO projects VALUES ('p1', 'Shop', 'pk_1', 'hash_1', 5)`,
  `INSERT INTO processor_sessions VALUES ('p1' || chr(31) || 's1', 'p1', 's1', '{"n":1}'),
     ('p1' || chr(31) || 's2', 'p1', 's2', '{"n":2}')`,
  'INSERT INTO processor_checkpoint VALUES (42)',
  `INSERT INTO processor_state VALUES (40, '{"clock":40}')`,
  `INSERT INTO insights VALUES ('ins_1', 'p1', 'user_at_risk', 'high', 's1', 'd1', 'open',
     '{"risk_factors":["rage_click"],"recommended_actions":[],"evidence":[]}', 2000, 3000, NULL, 'real_time')`,
  `INSERT INTO interventions VALUES ('int_1', 'p1', 's1', 'd1', 'ins_1', 'user_at_risk', 'r', 'tooltip',
     'Hi', '["rage_click"]', FALSE, 3000, NULL, NULL, NULL, NULL)`,
  `INSERT INTO intervention_rules VALUES ('p1', '[{"id":"r","when":["rage_click"],"action":"tooltip","message":"Hi"}]')`,
  `INSERT INTO webhooks VALUES ('p1', 'https://hooks.test/a')`,
  `INSERT INTO project_settings VALUES ('p1', '{"key_funnel":null,"key_journey":"checkout"}')`,
];

const NEW_TABLES = ['share_keys', 'sign_in_sessions'];

async function columns(engine: StorageEngine, table: string): Promise<string[]> {
  const rows = await engine.query(
    sql`SELECT column_name FROM information_schema.columns WHERE table_name = ${table} ORDER BY ordinal_position`,
  );
  return rows.map((row) => String(row['column_name']));
}

/** A database file with the previous version's record tables and rows (and some events). */
async function previousVersionFile(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'sightline-duckdb-migrate-')), 'old.duckdb');
  const engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
  try {
    await engine.insertEvents([makeRow({ uuid: 'kept' }), makeRow({ uuid: 'also-kept' })]);
    const tables = [...PREVIOUS_RECORD_DDL.map((ddl) => /EXISTS (\w+)/.exec(ddl)![1]!), ...NEW_TABLES];
    for (const table of tables) await engine.query(raw(`DROP TABLE ${table}`));
    for (const statement of [...PREVIOUS_RECORD_DDL, ...PREVIOUS_ROWS]) await engine.query(raw(statement));
    expect(await columns(engine, 'processor_sessions')).toEqual([
      'session_key',
      'project_id',
      'session_id',
      'state',
    ]);
  } finally {
    await engine.close();
  }
  return path;
}

describe('DuckDB files of the previous record layout', () => {
  it('open with their data, migrated to the declared tables, and take writes', async () => {
    const path = await previousVersionFile();
    let engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    try {
      expect(await columns(engine, 'processor_sessions')).toEqual([
        'node',
        'project_id',
        'session_id',
        'state',
      ]);
      expect(await columns(engine, 'processor_checkpoint')).toEqual(['node', 'checkpoint']);
      expect(await columns(engine, 'processor_state')).toEqual(['node', 'state_seq', 'globals']);
      // Every record table now has exactly its declared columns, in order.
      for (const table of RECORD_TABLES)
        expect(await columns(engine, table.name), table.name).toEqual(Object.keys(table.columns));

      expect(await engine.listProjects()).toEqual([
        { id: 'p1', name: 'Shop', public_key: 'pk_1', secret_key_hash: 'hash_1', created_at: 5 },
      ]);
      expect(await engine.loadProcessorState()).toEqual({
        checkpoint: 42,
        stateSeq: 40,
        globals: '{"clock":40}',
        sessions: [
          { project_id: 'p1', session_id: 's1', state: '{"n":1}' },
          { project_id: 'p1', session_id: 's2', state: '{"n":2}' },
        ],
      });
      expect((await engine.pendingInterventions('p1', 's1')).map((v) => v.id)).toEqual(['int_1']);
      expect(await engine.listInterventionRules()).toEqual([
        { project_id: 'p1', rules: [{ id: 'r', when: ['rage_click'], action: 'tooltip', message: 'Hi' }] },
      ]);
      expect(await engine.listWebhooks()).toEqual([{ project_id: 'p1', url: 'https://hooks.test/a' }]);
      expect(await engine.listProjectSettings()).toEqual([
        { project_id: 'p1', settings_json: '{"key_funnel":null,"key_journey":"checkout"}' },
      ]);
      expect(await engine.readEventsAfter(0, 10)).toHaveLength(2);
      expect([...(await engine.insertEvents([makeRow({ uuid: 'kept' })])).inserted]).toEqual([0]);

      // Writes over the migrated rows, and over the old primary-keyed projects table.
      await engine.upsertProject({
        id: 'p1',
        name: 'Shop 2',
        public_key: 'pk_1',
        secret_key_hash: 'hash_1',
        created_at: 5,
      });
      await engine.saveProcessorState({
        seq: 45,
        globals: '{"clock":45}',
        sessions: [{ project_id: 'p1', session_id: 's1', state: '{"n":3}' }],
        evictedSessions: [{ project_id: 'p1', session_id: 's2' }],
      });
      await expect(engine.commitProcessorBatch(makeBatch({ checkpoint: 41 }))).rejects.toThrow(/behind/);
      await engine.commitProcessorBatch(
        makeBatch({ checkpoint: 50, insights: [makeInsight()], interventions: [makeIntervention()] }),
      );
      expect(await engine.setInsightStatuses('p1', ['ins_1'], 'resolved', 60)).toBe(1);
    } finally {
      await engine.close();
    }

    // Opened again: nothing left to migrate, everything written is there.
    engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    try {
      expect((await engine.listProjects()).map((p) => p.name)).toEqual(['Shop 2']);
      expect(await engine.loadProcessorState()).toEqual({
        checkpoint: 50,
        stateSeq: 45,
        globals: '{"clock":45}',
        sessions: [{ project_id: 'p1', session_id: 's1', state: '{"n":3}' }],
      });
      expect(await engine.query(sql`SELECT id, status, status_changed_at FROM insights`)).toEqual([
        { id: 'ins_1', status: 'resolved', status_changed_at: 60 },
      ]);
      expect(await engine.query(sql`SELECT count(*) AS n FROM interventions`)).toEqual([{ n: 1 }]);
    } finally {
      await engine.close();
    }
  });
});
