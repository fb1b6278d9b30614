import { inList, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { SerialQueue } from '../../util/serial-queue.js';
import type { ProjectSettingsRow, QueryRow } from '../engine.js';
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
import { renderSql } from './literals.js';
import { toRecordRow } from './processor-rows.js';
import type { ClickHouseTransport } from './transport.js';
import { toRows } from './values.js';

/**
 * The processor's tables on ClickHouse, which has no transactions. A commit is made safe to cut
 * short instead: the checkpoint is checked before anything is written and written last; every
 * output has a deterministic id (processor/ids.ts) and lands in a ReplacingMergeTree keyed by it,
 * so after a crash the replay from the old checkpoint rewrites the same rows, not new ones.
 * Records inserted once (insights, interventions) are skipped when their id exists, so a replay
 * never resets a status or a delivery. Writes run one at a time (read-modify-write of versions).
 */
export class ClickHouseProcessorStore {
  /** Writes run one at a time: each reads the versions it replaces before inserting new ones. */
  private readonly writes = new SerialQueue();

  constructor(
    private readonly transport: ClickHouseTransport,
    private readonly node: number,
  ) {}

  private async rows(fragment: SqlFragment): Promise<QueryRow[]> {
    return toRows(await this.transport.query(renderSql(fragment)));
  }

  /** Inserts new versions of records of a versioned table (ddl.ts). */
  private put(table: string, records: readonly object[], deleted = false): Promise<void> {
    return this.transport.insert(
      `${table}_versions`,
      records.map((r) => toRecordRow(r, deleted)),
    );
  }

  private async checkpoint(): Promise<number> {
    const [row] = await this.rows(sql`SELECT checkpoint FROM processor_checkpoint WHERE node = ${this.node}`);
    return Number(row?.['checkpoint'] ?? 0);
  }

  async loadState(): Promise<ProcessorSnapshot> {
    const [state] = await this.rows(
      sql`SELECT state_seq, globals FROM processor_state WHERE node = ${this.node}`,
    );
    const sessions = await this.rows(
      sql`SELECT project_id, session_id, state FROM processor_sessions WHERE node = ${this.node}
          ORDER BY project_id, session_id`,
    );
    return {
      checkpoint: await this.checkpoint(),
      stateSeq: Number(state?.['state_seq'] ?? 0),
      globals: (state?.['globals'] as string | undefined) ?? null,
      sessions: sessions.map((r) => ({
        project_id: String(r['project_id']),
        session_id: String(r['session_id']),
        state: String(r['state']),
      })),
    };
  }

  commit(batch: ProcessorBatch): Promise<void> {
    return this.writes.run(async () => {
      const current = await this.checkpoint();
      if (batch.checkpoint < current)
        throw new Error(`processor checkpoint ${batch.checkpoint} is behind the stored ${current}`);
      await this.put('journeys', batch.journeys);
      await this.putNew('insights', batch.insights);
      await this.putNew('interventions', batch.interventions);
      await this.applyFeedback(batch);
      await this.put('session_friction', batch.friction);
      // Last: once it is stored, everything above is.
      await this.put('processor_checkpoint', [{ node: this.node, checkpoint: batch.checkpoint }]);
    });
  }

  private async existingIds(table: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.rows(sql`SELECT id FROM ${raw(table)} WHERE ${inList(raw('id'), ids)}`);
    return new Set(rows.map((r) => String(r['id'])));
  }

  private async putNew(table: string, records: ReadonlyArray<{ id: string }>): Promise<void> {
    const present = await this.existingIds(
      table,
      records.map((r) => r.id),
    );
    await this.put(
      table,
      records.filter((r) => !present.has(r.id)),
    );
  }

  private async applyFeedback(batch: ProcessorBatch): Promise<void> {
    if (batch.feedback.length === 0) return;
    const current = await this.interventions(
      sql`${inList(
        raw('id'),
        batch.feedback.map((f) => f.intervention_id),
      )}`,
    );
    const byKey = new Map(current.map((v) => [`${v.project_id}\u001f${v.id}`, v]));
    const changed = new Set<InterventionRecord>();
    for (const f of batch.feedback) {
      const v = byKey.get(`${f.project_id}\u001f${f.intervention_id}`);
      if (!v) continue;
      if (f.shown_at !== undefined) v.shown_at = v.shown_at ?? f.shown_at;
      if (f.result !== undefined) {
        v.result = f.result;
        v.result_at = f.result_at ?? null;
      }
      changed.add(v);
    }
    await this.put('interventions', [...changed]);
  }

  private async interventions(where: SqlFragment): Promise<InterventionRecord[]> {
    return (await this.rows(sql`SELECT * FROM interventions WHERE ${where} ORDER BY created_at, id`)).map(
      toInterventionRecord,
    );
  }

  /** Sessions and the state row; may run alongside a commit (disjoint tables). */
  async saveState(state: StateSnapshot): Promise<void> {
    const node = this.node;
    await this.put(
      'processor_sessions',
      state.sessions.map((s) => ({ node, ...s })),
    );
    await this.put(
      'processor_sessions',
      state.evictedSessions.map((s) => ({ node, ...s, state: '' })),
      true,
    );
    await this.put('processor_state', [{ node, state_seq: state.seq, globals: state.globals }]);
  }

  setInsightStatus(projectId: string, id: string, status: InsightStatus, at: number): Promise<boolean> {
    return this.writes.run(async () => {
      const [row] = await this.rows(
        sql`SELECT * FROM insights WHERE project_id = ${projectId} AND id = ${id}`,
      );
      if (!row) return false;
      await this.put('insights', [{ ...row, status, status_changed_at: at }]);
      return true;
    });
  }

  pendingInterventions(projectId: string, sessionId: string): Promise<InterventionRecord[]> {
    return this.interventions(
      sql`project_id = ${projectId} AND session_id = ${sessionId} AND held_out = 'false' AND delivered_at IS NULL`,
    );
  }

  markDelivered(ids: readonly string[], at: number): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return this.writes.run(async () => {
      const pending = await this.interventions(sql`${inList(raw('id'), ids)} AND delivered_at IS NULL`);
      await this.put(
        'interventions',
        pending.map((v) => ({ ...v, delivered_at: at })),
      );
    });
  }

  async listRules(): Promise<ProjectRules[]> {
    const rows = await this.rows(sql`SELECT project_id, rules FROM intervention_rules ORDER BY project_id`);
    return rows.map((r) => ({
      project_id: String(r['project_id']),
      rules: JSON.parse(String(r['rules'])) as InterventionRule[],
    }));
  }

  setRules(projectId: string, rules: InterventionRule[] | null): Promise<void> {
    return this.writes.run(() =>
      this.put(
        'intervention_rules',
        [{ project_id: projectId, rules: rules ? JSON.stringify(rules) : '' }],
        rules === null,
      ),
    );
  }

  async listWebhooks(): Promise<WebhookConfig[]> {
    const rows = await this.rows(sql`SELECT project_id, url FROM webhooks ORDER BY project_id`);
    return rows.map((r) => ({ project_id: String(r['project_id']), url: String(r['url']) }));
  }

  setWebhook(projectId: string, url: string | null): Promise<void> {
    return this.writes.run(() =>
      this.put('webhooks', [{ project_id: projectId, url: url ?? '' }], url === null),
    );
  }

  async listProjectSettings(): Promise<ProjectSettingsRow[]> {
    const rows = await this.rows(
      sql`SELECT project_id, settings_json FROM project_settings ORDER BY project_id`,
    );
    return rows.map((r) => ({
      project_id: String(r['project_id']),
      settings_json: String(r['settings_json']),
    }));
  }

  setProjectSettings(projectId: string, settingsJson: string | null): Promise<void> {
    return this.writes.run(() =>
      this.put(
        'project_settings',
        [{ project_id: projectId, settings_json: settingsJson ?? '' }],
        settingsJson === null,
      ),
    );
  }

  close(): Promise<void> {
    return this.writes.idle();
  }
}
