import { inList, raw, sql } from '../../sql/sql.js';
import type {
  InsightStatus,
  InterventionFeedback,
  InterventionRecord,
  ProcessorBatch,
  ProcessorSnapshot,
  StateSnapshot,
} from '../processor-records.js';
import { keyText, selectRecords } from './codec.js';
import type { RecordTable } from './columns.js';
import type { RecordExecutor, RecordReader, RecordWriter } from './executor.js';
import {
  INSIGHTS,
  INTERVENTIONS,
  JOURNEYS,
  PROCESSOR_CHECKPOINT,
  PROCESSOR_SESSIONS,
  PROCESSOR_STATE,
  SESSION_FRICTION,
} from './tables.js';

/**
 * The stream processor's tables (docs/ARCHITECTURE.md, The stream processor), for one node's
 * processor, over any engine's RecordExecutor. Outputs commit on the `output` lane, session state
 * on the `state` lane. A commit reads the checkpoint before writing anything and writes it last,
 * so on an engine without transactions a commit cut short is simply redone by the replay.
 */
export class ProcessorStore {
  constructor(
    private readonly db: RecordExecutor,
    private readonly node: number,
  ) {}

  async loadState(): Promise<ProcessorSnapshot> {
    const mine = sql`node = ${this.node}`;
    const [state] = await selectRecords(this.db, PROCESSOR_STATE, mine);
    const sessions = await selectRecords(this.db, PROCESSOR_SESSIONS, mine, 'project_id, session_id');
    return {
      checkpoint: await this.checkpoint(this.db),
      stateSeq: state?.state_seq ?? 0,
      globals: state?.globals ?? null,
      sessions: sessions.map(({ project_id, session_id, state }) => ({ project_id, session_id, state })),
    };
  }

  commit(batch: ProcessorBatch): Promise<void> {
    return this.db.transaction(async (writer) => {
      const current = await this.checkpoint(writer);
      if (batch.checkpoint < current)
        throw new Error(`processor checkpoint ${batch.checkpoint} is behind the stored ${current}`);
      await writer.put(JOURNEYS, batch.journeys);
      await putNew(
        writer,
        INSIGHTS,
        batch.insights.map((insight) => ({ ...insight, status_changed_at: null })),
      );
      await putNew(writer, INTERVENTIONS, batch.interventions);
      await applyFeedback(writer, batch.feedback);
      await writer.put(SESSION_FRICTION, batch.friction);
      // Last: once it is stored, everything above is.
      await writer.put(PROCESSOR_CHECKPOINT, [{ node: this.node, checkpoint: batch.checkpoint }]);
    });
  }

  saveState(state: StateSnapshot): Promise<void> {
    const node = this.node;
    return this.db.transaction(
      async (writer) => {
        await writer.remove(
          PROCESSOR_SESSIONS,
          state.evictedSessions.map(({ project_id, session_id }) => ({ node, project_id, session_id })),
        );
        await writer.put(
          PROCESSOR_SESSIONS,
          state.sessions.map((s) => ({ node, ...s })),
        );
        await writer.put(PROCESSOR_STATE, [{ node, state_seq: state.seq, globals: state.globals }]);
      },
      { lane: 'state' },
    );
  }

  /** Returns how many of `ids` (each once) the project had; other projects' insights never change. */
  setInsightStatuses(
    projectId: string,
    ids: readonly string[],
    status: InsightStatus,
    at: number,
  ): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.db.transaction(async (writer) => {
      const found = await selectRecords(
        writer,
        INSIGHTS,
        sql`project_id = ${projectId} AND ${inList(raw('id'), [...new Set(ids)])}`,
      );
      await writer.put(
        INSIGHTS,
        found.map((insight) => ({ ...insight, status, status_changed_at: at })),
      );
      return found.length;
    });
  }

  /** Interventions of a session not yet delivered (hold-out excluded), oldest first. */
  async pendingInterventions(projectId: string, sessionId: string): Promise<InterventionRecord[]> {
    const undelivered = await selectRecords(
      this.db,
      INTERVENTIONS,
      sql`project_id = ${projectId} AND session_id = ${sessionId} AND delivered_at IS NULL`,
      'created_at, id',
    );
    return undelivered.filter((intervention) => !intervention.held_out);
  }

  markInterventionsDelivered(ids: readonly string[], at: number): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return this.db.transaction(async (writer) => {
      const pending = await selectRecords(
        writer,
        INTERVENTIONS,
        sql`${inList(raw('id'), ids)} AND delivered_at IS NULL`,
      );
      await writer.put(
        INTERVENTIONS,
        pending.map((intervention) => ({ ...intervention, delivered_at: at })),
      );
    });
  }

  private async checkpoint(reader: RecordReader): Promise<number> {
    const [row] = await selectRecords(reader, PROCESSOR_CHECKPOINT, sql`node = ${this.node}`);
    return row?.checkpoint ?? 0;
  }
}

/** Writes the records whose key is not stored yet: a record inserted once keeps its status and delivery. */
async function putNew<Row extends { id: string }, Key extends keyof Row & string>(
  writer: RecordWriter,
  table: RecordTable<Row, Key>,
  records: readonly Row[],
): Promise<void> {
  if (records.length === 0) return;
  // Only the keys: a replay finds every record present, and need not read (and parse) them whole.
  const present = await writer.select(
    sql`SELECT ${raw(table.key.join(', '))} FROM ${raw(table.name)} WHERE ${inList(
      raw('id'),
      records.map((r) => r.id),
    )}`,
  );
  const stored = new Set(present.map((row) => keyText(table, row)));
  await writer.put(
    table,
    records.filter((record) => !stored.has(keyText(table, record))),
  );
}

/** `$intervention_shown` / `$intervention_result`: the first shown_at stays; the latest result wins. */
async function applyFeedback(writer: RecordWriter, feedback: readonly InterventionFeedback[]): Promise<void> {
  if (feedback.length === 0) return;
  const current = await selectRecords(
    writer,
    INTERVENTIONS,
    inList(
      raw('id'),
      feedback.map((f) => f.intervention_id),
    ),
  );
  const byKey = new Map(current.map((v) => [keyText(INTERVENTIONS, v), v]));
  const changed = new Set<InterventionRecord>();
  for (const f of feedback) {
    const intervention = byKey.get(
      keyText(INTERVENTIONS, { id: f.intervention_id, project_id: f.project_id }),
    );
    if (!intervention) continue;
    if (f.shown_at !== undefined) intervention.shown_at ??= f.shown_at;
    if (f.result !== undefined) {
      intervention.result = f.result;
      intervention.result_at = f.result_at ?? null;
    }
    changed.add(intervention);
  }
  await writer.put(INTERVENTIONS, [...changed]);
}
