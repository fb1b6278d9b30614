import type { RecordStorage } from '../engine.js';
import { AccessStore } from './access-store.js';
import { BotCountStore } from './bot-count-store.js';
import type { RecordExecutor } from './executor.js';
import { ProcessorStore } from './processor-store.js';
import { SettingsStore } from './settings-store.js';

/**
 * Every record method of StorageEngine over one engine's executor, written once. A plain object
 * of functions, so an engine can hand it on as it is (DuckDB's worker spreads it into its ops).
 * `node`: whose processor state and checkpoint these are (ClickHouse nodes; DuckDB is node 0).
 */
export function recordStorage(db: RecordExecutor, node: number): RecordStorage {
  const settings = new SettingsStore(db);
  const processor = new ProcessorStore(db, node);
  const access = new AccessStore(db);
  const bots = new BotCountStore(db, node);
  return {
    listProjects: () => settings.listProjects(),
    upsertProject: (project) => settings.upsertProject(project),
    loadProcessorState: () => processor.loadState(),
    commitProcessorBatch: (batch) => processor.commit(batch),
    saveProcessorState: (state) => processor.saveState(state),
    setInsightStatus: async (projectId, id, status, at) =>
      (await processor.setInsightStatuses(projectId, [id], status, at)) > 0,
    setInsightStatuses: (projectId, ids, status, at) =>
      processor.setInsightStatuses(projectId, ids, status, at),
    pendingInterventions: (projectId, sessionId) => processor.pendingInterventions(projectId, sessionId),
    markInterventionsDelivered: (ids, at) => processor.markInterventionsDelivered(ids, at),
    listInterventionRules: () => settings.listRules(),
    setInterventionRules: (projectId, rules) => settings.setRules(projectId, rules),
    listWebhooks: () => settings.listWebhooks(),
    setWebhook: (projectId, url) => settings.setWebhook(projectId, url),
    listProjectSettings: () => settings.listProjectSettings(),
    setProjectSettings: (projectId, json) => settings.setProjectSettings(projectId, json),
    listShareKeys: () => access.listShareKeys(),
    insertShareKey: (row) => access.insertShareKey(row),
    revokeShareKey: (projectId, id, at) => access.revokeShareKey(projectId, id, at),
    insertSignInSession: (row) => access.insertSignInSession(row),
    findSignInSession: (idHash) => access.findSignInSession(idHash),
    revokeSignInSession: (idHash, at) => access.revokeSignInSession(idHash, at),
    revokeSignInSessions: (projectId, at) => access.revokeSignInSessions(projectId, at),
    addBotCounts: (counts) => bots.add(counts),
  };
}
