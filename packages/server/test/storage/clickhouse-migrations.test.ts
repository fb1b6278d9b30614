import { describe, expect, it } from 'vitest';
import { sql } from '../../src/sql/sql.js';
import { openHttpTransport } from '../../src/storage/clickhouse/http-transport.js';
import { openClickHouseEngine } from '../../src/storage/clickhouse/index.js';
import { INSIGHTS, RECORD_TABLES } from '../../src/storage/records/tables.js';
import { clickhouseTestOptions } from '../support/engines.js';
import { makeBatch, makeInsight } from '../support/processor-records.js';

/**
 * Two record tables as ClickHouse databases were created before the record tables were declared
 * once (clickhouse/ddl.ts of that version, as it rendered them): `insights` without the columns
 * added since, and the `interventions` view whose column list the Enum type's comma had split
 * (an extra `'true'` column).
 */
const PREVIOUS_DDL = [
  `CREATE TABLE IF NOT EXISTS insights_versions (id String, project_id String, insight_type String,
    severity String, session_id String, distinct_id String, status String, data String,
    generated_at Int64, created_at Int64, status_changed_at Nullable(Int64), time_range String,
    _deleted UInt8, _version UInt64) ENGINE = ReplacingMergeTree(_version) ORDER BY (project_id, id)`,
  `CREATE VIEW IF NOT EXISTS insights AS SELECT id, project_id, insight_type, severity, session_id,
    distinct_id, status, data, generated_at, created_at, status_changed_at, time_range
    FROM insights_versions FINAL WHERE _deleted = 0`,
  `CREATE TABLE IF NOT EXISTS interventions_versions (id String, project_id String, session_id String,
    distinct_id String, insight_id String, insight_type String, rule_id String, action String,
    message String, risk_factors String, held_out Enum8('false' = 0, 'true' = 1), created_at Int64,
    delivered_at Nullable(Int64), shown_at Nullable(Int64), result Nullable(String),
    result_at Nullable(Int64), _deleted UInt8, _version UInt64)
    ENGINE = ReplacingMergeTree(_version) ORDER BY (id, project_id)`,
  `CREATE VIEW IF NOT EXISTS interventions AS SELECT id, project_id, session_id, distinct_id, insight_id,
    insight_type, rule_id, action, message, risk_factors, held_out, 'true', created_at, delivered_at,
    shown_at, result, result_at FROM interventions_versions FINAL WHERE _deleted = 0`,
];

const OLD_INSIGHT = {
  id: 'old',
  project_id: 'p1',
  insight_type: 'user_at_risk',
  severity: 'high',
  session_id: 's1',
  distinct_id: 'd1',
  status: 'acknowledged',
  data: '{"risk_factors":["rage_click"],"recommended_actions":[],"evidence":[]}',
  generated_at: 2000,
  created_at: 3000,
  status_changed_at: 4000,
  time_range: 'real_time',
  _deleted: 0,
  _version: 1,
};

const OLD_INTERVENTION = {
  id: 'int_old',
  project_id: 'p1',
  session_id: 's1',
  distinct_id: 'd1',
  insight_id: 'old',
  insight_type: 'user_at_risk',
  rule_id: 'r',
  action: 'tooltip',
  message: 'Hi',
  risk_factors: '["rage_click"]',
  held_out: 'false',
  created_at: 3000,
  delivered_at: null,
  shown_at: null,
  result: null,
  result_at: null,
  _deleted: 0,
  _version: 1,
};

describe('ClickHouse databases of the previous record layout', () => {
  it('open with their rows, gain the declared columns and views, and take writes', async () => {
    const options = clickhouseTestOptions();
    const raw = await openHttpTransport({ url: options.connection.url, database: options.database });
    try {
      for (const statement of PREVIOUS_DDL) await raw.command(statement);
      await raw.insert('insights_versions', [OLD_INSIGHT]);
      await raw.insert('interventions_versions', [OLD_INTERVENTION]);
    } finally {
      await raw.close();
    }

    // Two nodes open (and migrate) it at once, as a multi-node deployment restarting would.
    const [engine, other] = await Promise.all([
      openClickHouseEngine(options),
      openClickHouseEngine({ ...options, node: 1 }),
    ]);
    try {
      for (const table of RECORD_TABLES) {
        const rows = await engine.query(
          sql`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${table.name}`,
        );
        expect(rows.map((r) => String(r['name'])).sort(), table.name).toEqual(
          Object.keys(table.columns).sort(),
        );
      }
      expect((await engine.pendingInterventions('p1', 's1')).map((v) => v.id)).toEqual(['int_old']);
      // Kept as written; the columns added since read as NULL or their kind's zero.
      const added = Object.entries(INSIGHTS.columns).filter(([name]) => !(name in OLD_INSIGHT));
      expect(added.length).toBeGreaterThan(0);
      const zero = { string: '', json: 'null', bool: false, int64: 0, uint16: 0, float64: 0 };
      const [old] = await engine.query(sql`SELECT * FROM insights`);
      expect(old).toMatchObject({ id: 'old', status: 'acknowledged', status_changed_at: 4000 });
      for (const [name, spec] of added)
        expect(old?.[name], name).toBe(spec.nullable ? null : zero[spec.kind]);
      await engine.commitProcessorBatch(
        makeBatch({ insights: [makeInsight({ id: 'old' }), makeInsight({ id: 'new' })] }),
      );
      expect(await engine.setInsightStatuses('p1', ['old', 'new'], 'resolved', 5000)).toBe(2);
      expect(await engine.query(sql`SELECT id, status FROM insights ORDER BY id`)).toEqual([
        { id: 'new', status: 'resolved' },
        { id: 'old', status: 'resolved' },
      ]);
    } finally {
      await Promise.all([engine.close(), other.close()]);
    }
  });
});
