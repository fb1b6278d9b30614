import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { DurableEnd } from '../../log/file/durable-end.js';
import { openLogReader } from '../../log/file/worker-reader.js';
import { CONSUMER_LINGER_MS } from '../../log/limits.js';
import type { InterventionRule } from '../../storage/processor-records.js';
import { DEFAULT_RULES } from '../intervention-rules.js';
import { logEventSource } from '../log-event-source.js';
import { type ProcessorStore, StreamProcessor } from '../processor.js';
import type { FromProcessor, ProcessorThreadData, StoreOp, ToProcessor } from './messages.js';

/**
 * The stream processor's own thread (processor-host.ts starts it): it follows the event log
 * through its own reader, so neither reading nor processing events costs the HTTP thread. Its store
 * calls (checkpoint commits, state) go to the HTTP thread's engine; its committed outputs go back
 * there for delivery (SSE, webhooks, live queries).
 */
const port = parentPort;
if (!port) throw new Error('processor-thread.ts must run as a worker thread');
const data = workerData as ProcessorThreadData;

const send = (message: FromProcessor) => port.postMessage(message);
const rules = new Map<string, InterventionRule[]>(data.rules);
const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextCall = 1;
let storeHealthy = true;

function call<T>(op: StoreOp, ...args: unknown[]): Promise<T> {
  const id = nextCall++;
  return new Promise<T>((resolve, reject) => {
    calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
    send({ kind: 'store', id, op, args });
  });
}

const store: ProcessorStore = {
  commitProcessorBatch: (batch) => call('commitProcessorBatch', batch),
  saveProcessorState: (state) => call('saveProcessorState', state),
  loadProcessorState: () => call('loadProcessorState'),
  readEventsAfter: (afterSeq, limit) => call('readEventsAfter', afterSeq, limit),
  // Only decides whether a failure is worth logging: the HTTP thread says with each failed call.
  health: () => (storeHealthy ? { ok: true } : { ok: false }),
};

const reader = openLogReader(data.log);
const end = new DurableEnd(data.log.durableEnd);
const position = new DurableEnd(data.position);
const replayFrom = new DurableEnd(data.replayFrom);
/** Publishes how far the processor is (the HTTP thread releases it to the log and reports lag). */
const publish = () => {
  replayFrom.set(processor.replayFrom);
  position.set(processor.lastSeq);
};
/**
 * Events per processed batch (one store commit each). Larger than in-process: every commit crosses
 * to the HTTP thread and queues on the database thread behind the loader's batches and checkpoints,
 * so under load the processor is bound by commits, not by CPU (measured: bench/lag.ts).
 */
const BATCH_SIZE = data.options.batchSize ?? 10_000;
const processor = new StreamProcessor(
  store,
  (projectId) => rules.get(projectId) ?? DEFAULT_RULES,
  { ...data.options, batchSize: BATCH_SIZE },
  undefined,
  logEventSource(reader, () => data.logStart, store),
);
processor.onCommitted((outputs) => send({ kind: 'committed', outputs }));
const stopping = new AbortController();
/** How often the position is published. */
const PUBLISH_MS = 20;
const publisher = setInterval(publish, PUBLISH_MS);

/**
 * Wakes the processor whenever the log's durable end moves, one round at a time: a round that
 * found less than a full batch is followed by a linger before the next, so under a trickle the
 * processor commits at most once per linger (plus the commit's own time), not back to back.
 */
async function follow(): Promise<void> {
  let seen = end.get();
  await processor.notify();
  while (!stopping.signal.aborted) {
    try {
      await end.waitPastShared(seen, stopping.signal);
      // Each round is a store commit: let a small one gather company first (log/limits.ts).
      if (end.get() - processor.lastSeq < BATCH_SIZE)
        await sleep(CONSUMER_LINGER_MS, undefined, { signal: stopping.signal });
    } catch {
      return;
    }
    seen = end.get();
    await processor.notify();
  }
}

async function answer(id: number, work: () => Promise<void>): Promise<void> {
  try {
    await work();
    publish();
    send({ kind: 'done', id, ok: true });
  } catch (error) {
    send({ kind: 'done', id, ok: false, message: (error as Error).message });
  }
}

port.on('message', (message: ToProcessor) => {
  switch (message.kind) {
    case 'store-result': {
      const pending = calls.get(message.id);
      calls.delete(message.id);
      if (message.ok) pending?.resolve(message.value);
      else {
        storeHealthy = message.storeHealthy;
        pending?.reject(new Error(message.message));
      }
      return;
    }
    case 'rules':
      if (message.rules) rules.set(message.projectId, message.rules);
      else rules.delete(message.projectId);
      return;
    case 'drain':
      void answer(message.id, () => processor.drain());
      return;
    case 'stop':
      void answer(message.id, async () => {
        stopping.abort();
        clearInterval(publisher);
        await processor.stop();
        await reader.close();
      });
      return;
  }
});

processor.start().then(
  () => {
    publish();
    send({ kind: 'started', ok: true });
    void follow();
  },
  (error: unknown) => send({ kind: 'started', ok: false, message: (error as Error).message }),
);
