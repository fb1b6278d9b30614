import type {
  BotCount,
  Project,
  ProjectSettingsRow,
  RecordStorage,
  ShareKeyRow,
  SignInSessionRow,
} from '../engine.js';
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

export type RecordMethod = keyof RecordStorage;

/**
 * The record methods of an engine, each handed to `callRecords`, which runs it wherever the engine
 * keeps its record store (ClickHouse: in process; DuckDB: on its database thread). Engines extend
 * this and add what differs.
 */
export abstract class DelegatingRecordStorage implements RecordStorage {
  protected abstract callRecords<M extends RecordMethod>(
    method: M,
    ...args: Parameters<RecordStorage[M]>
  ): ReturnType<RecordStorage[M]>;

  listProjects(): Promise<Project[]> {
    return this.callRecords('listProjects');
  }
  upsertProject(project: Project): Promise<void> {
    return this.callRecords('upsertProject', project);
  }
  loadProcessorState(): Promise<ProcessorSnapshot> {
    return this.callRecords('loadProcessorState');
  }
  commitProcessorBatch(batch: ProcessorBatch): Promise<void> {
    return this.callRecords('commitProcessorBatch', batch);
  }
  saveProcessorState(state: StateSnapshot): Promise<void> {
    return this.callRecords('saveProcessorState', state);
  }
  setInsightStatus(projectId: string, id: string, status: InsightStatus, at: number): Promise<boolean> {
    return this.callRecords('setInsightStatus', projectId, id, status, at);
  }
  setInsightStatuses(
    projectId: string,
    ids: readonly string[],
    status: InsightStatus,
    at: number,
  ): Promise<number> {
    return this.callRecords('setInsightStatuses', projectId, ids, status, at);
  }
  pendingInterventions(projectId: string, sessionId: string): Promise<InterventionRecord[]> {
    return this.callRecords('pendingInterventions', projectId, sessionId);
  }
  markInterventionsDelivered(ids: readonly string[], at: number): Promise<void> {
    return this.callRecords('markInterventionsDelivered', ids, at);
  }
  listInterventionRules(): Promise<ProjectRules[]> {
    return this.callRecords('listInterventionRules');
  }
  setInterventionRules(projectId: string, rules: InterventionRule[] | null): Promise<void> {
    return this.callRecords('setInterventionRules', projectId, rules);
  }
  listWebhooks(): Promise<WebhookConfig[]> {
    return this.callRecords('listWebhooks');
  }
  setWebhook(projectId: string, url: string | null): Promise<void> {
    return this.callRecords('setWebhook', projectId, url);
  }
  listProjectSettings(): Promise<ProjectSettingsRow[]> {
    return this.callRecords('listProjectSettings');
  }
  setProjectSettings(projectId: string, settingsJson: string | null): Promise<void> {
    return this.callRecords('setProjectSettings', projectId, settingsJson);
  }
  listShareKeys(): Promise<ShareKeyRow[]> {
    return this.callRecords('listShareKeys');
  }
  insertShareKey(row: ShareKeyRow): Promise<void> {
    return this.callRecords('insertShareKey', row);
  }
  revokeShareKey(projectId: string, id: string, at: number): Promise<boolean> {
    return this.callRecords('revokeShareKey', projectId, id, at);
  }
  insertSignInSession(row: SignInSessionRow): Promise<void> {
    return this.callRecords('insertSignInSession', row);
  }
  findSignInSession(idHash: string): Promise<SignInSessionRow | null> {
    return this.callRecords('findSignInSession', idHash);
  }
  revokeSignInSession(idHash: string, at: number): Promise<boolean> {
    return this.callRecords('revokeSignInSession', idHash, at);
  }
  revokeSignInSessions(projectId: string, at: number): Promise<number> {
    return this.callRecords('revokeSignInSessions', projectId, at);
  }
  addBotCounts(counts: readonly BotCount[]): Promise<void> {
    return this.callRecords('addBotCounts', counts);
  }
}
