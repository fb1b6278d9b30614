import { parentPort, workerData } from 'node:worker_threads';
import { type DuckDbOptions, DuckDbStore } from './store.js';
import type { WorkerArgs, WorkerOp, WorkerOps, WorkerRequest, WorkerResponse } from './worker-ops.js';

/**
 * The thread that owns the DuckDB database. The Appender is synchronous; running it here
 * keeps the HTTP event loop free while a group commit is written.
 */
const port = parentPort;
if (!port) throw new Error('worker.ts must run as a worker thread');

/** Every op's handler (worker-ops.ts): the store's event side and its record storage. */
function handlers(store: DuckDbStore): WorkerOps {
  return {
    insertEvents: (cols) => store.insertEvents(cols),
    startLogLoader: (args) =>
      store.startLogLoader(args, (error) =>
        port!.postMessage({ id: -1, loaderFailed: { message: error.message } } satisfies WorkerResponse),
      ),
    eventFingerprints: () => store.eventFingerprints(),
    readEventsAfter: (after, limit) => store.readEventsAfter(after, limit),
    countEvents: (project, range) => store.countEvents(project, range),
    exportOpen: (project, range) => store.exportOpen(project, range),
    exportNext: (id) => store.exportNext(id),
    exportClose: (id) => store.exportClose(id),
    query: (text, values, requestId) => store.query(text, values, requestId),
    interrupt: (requestId) => store.interrupt(requestId),
    probeWrite: () => store.probeWrite(),
    refreshSessionRollup: (now) => store.refreshSessionRollup(now),
    close: () => store.close(),
    ...store.records,
  };
}

/** Runs one request with its own op's handler (the request type ties the args to the op). */
function dispatch<K extends WorkerOp>(ops: WorkerOps, op: K, args: WorkerArgs<K>): unknown {
  const handler = ops[op] as (...args: WorkerArgs<K>) => unknown;
  return handler(...args);
}

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
  const ops = handlers(store);
  port!.on('message', async (request: WorkerRequest) => {
    try {
      const value = await dispatch(ops, request.op, request.args);
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

void main();
