import { parentPort, workerData } from 'node:worker_threads';
import type { DuckDBValue } from '@duckdb/node-api';
import type { ProcessorStore } from './processor-store.js';
import { type DuckDbOptions, DuckDbStore } from './store.js';

/**
 * The thread that owns the DuckDB database. The Appender is synchronous; running it here
 * keeps the HTTP event loop free while a group commit is written.
 */
export interface WorkerRequest {
  id: number;
  op: WorkerOp;
  args: unknown[];
}

export type WorkerOp =
  | 'insertEvents'
  | 'readEventsAfter'
  | 'countEvents'
  | 'exportOpen'
  | 'exportNext'
  | 'exportClose'
  | 'query'
  | 'listProjects'
  | 'upsertProject'
  | 'refreshSessionRollup'
  | 'interrupt'
  | 'probeWrite'
  | ProcessorOp
  | 'close';

/** Operations of the stream processor's tables, forwarded to ProcessorStore. */
export type ProcessorOp =
  | 'loadProcessorState'
  | 'commitProcessorBatch'
  | 'saveProcessorState'
  | 'setInsightStatus'
  | 'pendingInterventions'
  | 'markInterventionsDelivered'
  | 'listInterventionRules'
  | 'setInterventionRules'
  | 'listWebhooks'
  | 'setWebhook'
  | 'listProjectSettings'
  | 'setProjectSettings';

/**
 * Operations a client may cancel: the worker hands them their request id as a last argument, and
 * `interrupt` with that id stops the DuckDB work (the call then fails).
 */
const INTERRUPTIBLE_OPS: ReadonlySet<WorkerOp> = new Set(['query']);

export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { message: string } }
  | { id: 0; ready: true }
  | { id: 0; ready: false; error: { message: string } };

const port = parentPort;
if (!port) throw new Error('worker.ts must run as a worker thread');

async function main(): Promise<void> {
  let store: DuckDbStore;
  try {
    store = await DuckDbStore.open(workerData as DuckDbOptions);
  } catch (error) {
    port!.postMessage({
      id: 0,
      ready: false,
      error: { message: (error as Error).message },
    } satisfies WorkerResponse);
    return;
  }
  const ops: Record<WorkerOp, (...args: never[]) => unknown> = {
    insertEvents: (cols: Parameters<DuckDbStore['insertEvents']>[0]) => store.insertEvents(cols),
    readEventsAfter: (after: number, limit: number) => store.readEventsAfter(after, limit),
    countEvents: (project: string, range: Parameters<DuckDbStore['countEvents']>[1]) =>
      store.countEvents(project, range),
    exportOpen: (project: string, range: Parameters<DuckDbStore['exportOpen']>[1]) =>
      store.exportOpen(project, range),
    exportNext: (id: number) => store.exportNext(id),
    exportClose: (id: number) => store.exportClose(id),
    query: (text: string, values: DuckDBValue[], requestId: number) => store.query(text, values, requestId),
    interrupt: (requestId: number) => store.interrupt(requestId),
    probeWrite: () => store.probeWrite(),
    listProjects: () => store.listProjects(),
    upsertProject: (p: Parameters<DuckDbStore['upsertProject']>[0]) => store.upsertProject(p),
    refreshSessionRollup: (now?: number) => store.refreshSessionRollup(now),
    ...processorOps(store.processor),
    close: () => store.close(),
  };
  port!.on('message', async (request: WorkerRequest) => {
    try {
      const args = INTERRUPTIBLE_OPS.has(request.op) ? [...request.args, request.id] : request.args;
      const value = await (ops[request.op] as (...args: unknown[]) => unknown)(...args);
      port!.postMessage({ id: request.id, ok: true, value } satisfies WorkerResponse);
      if (request.op === 'close') port!.close();
    } catch (error) {
      port!.postMessage({
        id: request.id,
        ok: false,
        error: { message: (error as Error).message },
      } satisfies WorkerResponse);
    }
  });
  port!.postMessage({ id: 0, ready: true } satisfies WorkerResponse);
}

function processorOps(p: ProcessorStore): Record<ProcessorOp, (...args: never[]) => unknown> {
  return {
    loadProcessorState: () => p.loadState(),
    commitProcessorBatch: (batch: Parameters<ProcessorStore['commit']>[0]) => p.commit(batch),
    saveProcessorState: (state: Parameters<ProcessorStore['saveState']>[0]) => p.saveState(state),
    setInsightStatus: (...a: Parameters<ProcessorStore['setInsightStatus']>) => p.setInsightStatus(...a),
    pendingInterventions: (project: string, session: string) => p.pendingInterventions(project, session),
    markInterventionsDelivered: (ids: string[], at: number) => p.markInterventionsDelivered(ids, at),
    listInterventionRules: () => p.listRules(),
    setInterventionRules: (...a: Parameters<ProcessorStore['setRules']>) => p.setRules(...a),
    listWebhooks: () => p.listWebhooks(),
    setWebhook: (project: string, url: string | null) => p.setWebhook(project, url),
    listProjectSettings: () => p.listProjectSettings(),
    setProjectSettings: (project: string, json: string | null) => p.setProjectSettings(project, json),
  };
}

void main();
