import { type DuckDBAppender, type DuckDBConnection, listValue } from '@duckdb/node-api';
import type {
  InsightRecord,
  InterventionRecord,
  JourneyRecord,
  SessionFrictionRecord,
  SessionStateRow,
} from '../processor-records.js';

/** Separates project and session in one key column (a control character no id contains in practice). */
const KEY_SEPARATOR = '\u001f';
const sessionKey = (projectId: string, sessionId: string) => `${projectId}${KEY_SEPARATOR}${sessionId}`;

/*
 * The bulk writes of a processor commit, inside the caller's transaction: delete-then-append for
 * records replaced by key, append-unless-present for records inserted once.
 */

export async function writeJourneys(
  conn: DuckDBConnection,
  journeys: readonly JourneyRecord[],
): Promise<void> {
  if (journeys.length === 0) return;
  await conn.run('DELETE FROM journeys WHERE id IN (SELECT unnest($1::VARCHAR[]))', [
    listValue(journeys.map((j) => j.id)),
  ]);
  await append(conn, 'journeys', journeys, (a, j) => {
    a.appendVarchar(j.id);
    a.appendVarchar(j.project_id);
    a.appendVarchar(j.session_id);
    a.appendVarchar(j.distinct_id);
    a.appendVarchar(j.journey_name);
    a.appendVarchar(j.status);
    a.appendVarchar(JSON.stringify(j.steps));
    a.appendBigInt(BigInt(Math.round(j.started_at)));
    appendNullableBigInt(a, j.ended_at);
    appendNullableBigInt(a, j.total_duration);
    a.appendDouble(j.completion_rate);
    if (j.abandon_reason === null) a.appendNull();
    else a.appendVarchar(j.abandon_reason);
  });
}

/** Appends the records whose id is not in `table` yet: a record is inserted once, whatever happens. */
async function appendNew<T extends { id: string }>(
  conn: DuckDBConnection,
  table: string,
  records: readonly T[],
  write: (appender: DuckDBAppender, record: T) => void,
): Promise<void> {
  if (records.length === 0) return;
  const rows = await conn.runAndReadAll(
    `SELECT id FROM ${table} WHERE id IN (SELECT unnest($1::VARCHAR[]))`,
    [listValue(records.map((r) => r.id))],
  );
  const present = new Set(rows.getRowObjects().map((r) => r['id'] as string));
  await append(
    conn,
    table,
    records.filter((r) => !present.has(r.id)),
    write,
  );
}

export async function appendInsights(
  conn: DuckDBConnection,
  insights: readonly InsightRecord[],
): Promise<void> {
  await appendNew(conn, 'insights', insights, (a, i) => {
    a.appendVarchar(i.id);
    a.appendVarchar(i.project_id);
    a.appendVarchar(i.insight_type);
    a.appendVarchar(i.severity);
    a.appendVarchar(i.session_id);
    a.appendVarchar(i.distinct_id);
    a.appendVarchar(i.status);
    a.appendVarchar(JSON.stringify(i.data));
    a.appendBigInt(BigInt(Math.round(i.generated_at)));
    a.appendBigInt(BigInt(Math.round(i.created_at)));
    a.appendNull();
    a.appendVarchar(i.time_range);
  });
}

export async function appendInterventions(
  conn: DuckDBConnection,
  interventions: readonly InterventionRecord[],
): Promise<void> {
  await appendNew(conn, 'interventions', interventions, (a, v) => {
    a.appendVarchar(v.id);
    a.appendVarchar(v.project_id);
    a.appendVarchar(v.session_id);
    a.appendVarchar(v.distinct_id);
    a.appendVarchar(v.insight_id);
    a.appendVarchar(v.insight_type);
    a.appendVarchar(v.rule_id);
    a.appendVarchar(v.action);
    a.appendVarchar(v.message);
    a.appendVarchar(JSON.stringify(v.risk_factors));
    a.appendBoolean(v.held_out);
    a.appendBigInt(BigInt(Math.round(v.created_at)));
    appendNullableBigInt(a, v.delivered_at);
    appendNullableBigInt(a, v.shown_at);
    if (v.result === null) a.appendNull();
    else a.appendVarchar(v.result);
    appendNullableBigInt(a, v.result_at);
  });
}

export async function writeFriction(
  conn: DuckDBConnection,
  rows: readonly SessionFrictionRecord[],
): Promise<void> {
  if (rows.length === 0) return;
  await conn.run(
    `DELETE FROM session_friction WHERE project_id || chr(31) || session_id IN (SELECT unnest($1::VARCHAR[]))`,
    [listValue(rows.map((f) => sessionKey(f.project_id, f.session_id)))],
  );
  await append(conn, 'session_friction', rows, (a, f) => {
    a.appendVarchar(f.project_id);
    a.appendVarchar(f.session_id);
    a.appendVarchar(f.distinct_id);
    a.appendDouble(f.friction_score);
    a.appendVarchar(JSON.stringify(f.factors));
    a.appendBigInt(BigInt(Math.round(f.updated_at)));
  });
}

export async function writeSessions(
  conn: DuckDBConnection,
  sessions: readonly SessionStateRow[],
  evicted: ReadonlyArray<{ project_id: string; session_id: string }>,
): Promise<void> {
  const keys = [...sessions, ...evicted].map((s) => sessionKey(s.project_id, s.session_id));
  if (keys.length === 0) return;
  await conn.run('DELETE FROM processor_sessions WHERE session_key IN (SELECT unnest($1::VARCHAR[]))', [
    listValue(keys),
  ]);
  await append(conn, 'processor_sessions', sessions, (a, s) => {
    a.appendVarchar(sessionKey(s.project_id, s.session_id));
    a.appendVarchar(s.project_id);
    a.appendVarchar(s.session_id);
    a.appendVarchar(s.state);
  });
}

async function append<T>(
  conn: DuckDBConnection,
  table: string,
  rows: readonly T[],
  write: (appender: DuckDBAppender, row: T) => void,
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await conn.createAppender(table);
  for (const row of rows) {
    write(appender, row);
    appender.endRow();
  }
  appender.closeSync();
}

function appendNullableBigInt(appender: DuckDBAppender, value: number | null): void {
  if (value === null) appender.appendNull();
  else appender.appendBigInt(BigInt(Math.round(value)));
}
