import { type DuckDBConnection, type DuckDBValue, listValue } from '@duckdb/node-api';
import { SerialQueue } from '../../util/serial-queue.js';
import type { ProjectSettingsRow } from '../engine.js';
import { toInterventionRecord } from '../intervention-row.js';
import type {
  InsightStatus,
  InterventionRecord,
  InterventionRule,
  ProcessorBatch,
  ProcessorSnapshot,
  ProjectRules,
  StateSnapshot,
  WebhookConfig,
} from '../processor-records.js';
import {
  appendInsights,
  appendInterventions,
  writeFriction,
  writeJourneys,
  writeSessions,
} from './processor-writes.js';

type Read = (text: string, values: DuckDBValue[]) => Promise<Record<string, unknown>[]>;

const bigint = (n: number | null) => (n === null ? null : BigInt(Math.round(n)));

/**
 * The processor's tables. Output commits run on their own connection, one at a time, so they never
 * queue behind (or in front of) an event group commit; state saves on another. The tables each
 * writer touches are disjoint, so DuckDB's optimistic concurrency never makes them conflict.
 */
export class ProcessorStore {
  private readonly outputCommits = new SerialQueue();
  private readonly stateSaves = new SerialQueue();

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly stateConn: DuckDBConnection,
    private readonly read: Read,
  ) {}

  async loadState(): Promise<ProcessorSnapshot> {
    const [checkpoint] = await this.read('SELECT checkpoint FROM processor_checkpoint', []);
    const [state] = await this.read('SELECT state_seq, globals FROM processor_state', []);
    const sessions = await this.read(
      'SELECT project_id, session_id, state FROM processor_sessions ORDER BY project_id, session_id',
      [],
    );
    return {
      checkpoint: Number(checkpoint?.['checkpoint'] ?? 0),
      stateSeq: Number(state?.['state_seq'] ?? 0),
      globals: (state?.['globals'] as string | undefined) ?? null,
      sessions: sessions.map((r) => ({
        project_id: r['project_id'] as string,
        session_id: r['session_id'] as string,
        state: r['state'] as string,
      })),
    };
  }

  commit(batch: ProcessorBatch): Promise<void> {
    return this.transaction(async (conn) => {
      const stored = (
        await conn.runAndReadAll('SELECT checkpoint FROM processor_checkpoint')
      ).getRowObjects();
      const current = Number(stored[0]?.['checkpoint'] ?? 0);
      await writeJourneys(conn, batch.journeys);
      await appendInsights(conn, batch.insights);
      await appendInterventions(conn, batch.interventions);
      for (const f of batch.feedback) {
        if (f.shown_at !== undefined)
          await conn.run(
            'UPDATE interventions SET shown_at = coalesce(shown_at, $3) WHERE id = $1 AND project_id = $2',
            [f.intervention_id, f.project_id, bigint(f.shown_at)],
          );
        if (f.result !== undefined)
          await conn.run(
            'UPDATE interventions SET result = $3, result_at = $4 WHERE id = $1 AND project_id = $2',
            [f.intervention_id, f.project_id, f.result, bigint(f.result_at ?? null)],
          );
      }
      await writeFriction(conn, batch.friction);
      if (stored.length === 0)
        await conn.run('INSERT INTO processor_checkpoint VALUES ($1)', [BigInt(batch.checkpoint)]);
      else await conn.run('UPDATE processor_checkpoint SET checkpoint = $1', [BigInt(batch.checkpoint)]);
      // Checked last, after the writes, so a refusal exercises the rollback of everything above.
      if (batch.checkpoint < current)
        throw new Error(`processor checkpoint ${batch.checkpoint} is behind the stored ${current}`);
    });
  }

  /** On the state connection: a large save never holds up output commits (disjoint tables). */
  saveState(state: StateSnapshot): Promise<void> {
    return this.stateSaves.run(async () => {
      const conn = this.stateConn;
      await conn.run('BEGIN TRANSACTION');
      try {
        await writeSessions(conn, state.sessions, state.evictedSessions);
        await conn.run('DELETE FROM processor_state');
        await conn.run('INSERT INTO processor_state VALUES ($1, $2)', [BigInt(state.seq), state.globals]);
        await conn.run('COMMIT');
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  setInsightStatus(projectId: string, id: string, status: InsightStatus, at: number): Promise<boolean> {
    return this.transaction(async (conn) => {
      const found = await conn.runAndReadAll('SELECT 1 FROM insights WHERE id = $1 AND project_id = $2', [
        id,
        projectId,
      ]);
      if (found.currentRowCount === 0) return false;
      await conn.run(
        'UPDATE insights SET status = $3, status_changed_at = $4 WHERE id = $1 AND project_id = $2',
        [id, projectId, status, BigInt(at)],
      );
      return true;
    });
  }

  async pendingInterventions(projectId: string, sessionId: string): Promise<InterventionRecord[]> {
    const rows = await this.read(
      `SELECT * FROM interventions WHERE project_id = $1 AND session_id = $2 AND NOT held_out
       AND delivered_at IS NULL ORDER BY created_at, id`,
      [projectId, sessionId],
    );
    return rows.map(toInterventionRecord);
  }

  markInterventionsDelivered(ids: readonly string[], at: number): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return this.transaction(async (conn) => {
      await conn.run(
        'UPDATE interventions SET delivered_at = $2 WHERE id IN (SELECT unnest($1::VARCHAR[])) AND delivered_at IS NULL',
        [listValue([...ids]), BigInt(at)],
      );
    });
  }

  async listRules(): Promise<ProjectRules[]> {
    const rows = await this.read('SELECT project_id, rules FROM intervention_rules ORDER BY project_id', []);
    return rows.map((r) => ({
      project_id: r['project_id'] as string,
      rules: JSON.parse(r['rules'] as string) as InterventionRule[],
    }));
  }

  setRules(projectId: string, rules: InterventionRule[] | null): Promise<void> {
    return this.transaction(async (conn) => {
      await conn.run('DELETE FROM intervention_rules WHERE project_id = $1', [projectId]);
      if (rules)
        await conn.run('INSERT INTO intervention_rules VALUES ($1, $2)', [projectId, JSON.stringify(rules)]);
    });
  }

  async listWebhooks(): Promise<WebhookConfig[]> {
    const rows = await this.read('SELECT project_id, url FROM webhooks ORDER BY project_id', []);
    return rows.map((r) => ({ project_id: r['project_id'] as string, url: r['url'] as string }));
  }

  setWebhook(projectId: string, url: string | null): Promise<void> {
    return this.transaction(async (conn) => {
      await conn.run('DELETE FROM webhooks WHERE project_id = $1', [projectId]);
      if (url) await conn.run('INSERT INTO webhooks VALUES ($1, $2)', [projectId, url]);
    });
  }

  async listProjectSettings(): Promise<ProjectSettingsRow[]> {
    const rows = await this.read(
      'SELECT project_id, settings_json FROM project_settings ORDER BY project_id',
      [],
    );
    return rows.map((r) => ({
      project_id: r['project_id'] as string,
      settings_json: r['settings_json'] as string,
    }));
  }

  setProjectSettings(projectId: string, settingsJson: string | null): Promise<void> {
    return this.transaction(async (conn) => {
      await conn.run('DELETE FROM project_settings WHERE project_id = $1', [projectId]);
      if (settingsJson !== null)
        await conn.run('INSERT INTO project_settings VALUES ($1, $2)', [projectId, settingsJson]);
    });
  }

  /** Waits for the writes queued so far, then closes the connection. */
  async close(): Promise<void> {
    await Promise.all([this.outputCommits.idle(), this.stateSaves.idle()]);
    this.conn.closeSync();
    this.stateConn.closeSync();
  }

  private transaction<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.outputCommits.run(async () => {
      await this.conn.run('BEGIN TRANSACTION');
      try {
        const value = await work(this.conn);
        await this.conn.run('COMMIT');
        return value;
      } catch (error) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}
