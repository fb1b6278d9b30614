import { setTimeout as sleep } from 'node:timers/promises';
import type { LogOffset } from '../../log/event-log.js';
import type { DurableEnd } from '../../log/file/durable-end.js';
import type { LoaderCadence } from '../log-loading.js';

/**
 * When the loader takes its next batch. Every batch is one transaction (the batch file, DuckDB's
 * JSON reader, the position row, the commit and its WAL sync), a fixed cost whatever its size, so
 * a trickle of records is worth gathering into fewer transactions. But a record held back is lag,
 * and read-your-acks and event → insight want the loader within ~100 ms. So the oldest waiting
 * record is held at most `lingerMs` — counted from when it could first have been loaded (a record
 * that arrived during the previous commit has waited since that commit began, so a long commit
 * means no linger at all) — and a batch goes at once when `fullBatch` records are waiting, or
 * when a read is waiting to see them (read-your-acks: its wait would be the linger itself).
 * The loader's own cadence: the processor keeps log/limits.ts CONSUMER_LINGER_MS.
 */
export const DEFAULT_LOADER_CADENCE: Readonly<LoaderCadence> = { lingerMs: 50, fullBatch: 5_000 };

/** While lingering, the log's end is looked at this often (a shared-memory read). */
const LINGER_POLL_MS = 5;

/**
 * Waits until `cadence.fullBatch` records from `next` on are in the log, the oldest of them has
 * waited `lingerMs` since `readyAt` (a performance.now() time), or a read waits for `next`
 * (`readsWaitFor` is past it), whichever comes first.
 */
export async function lingerForCompany(
  end: DurableEnd,
  readsWaitFor: DurableEnd,
  next: LogOffset,
  readyAt: number,
  cadence: LoaderCadence,
  signal: AbortSignal,
): Promise<void> {
  const deadline = readyAt + cadence.lingerMs;
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0 || end.get() - next >= cadence.fullBatch || readsWaitFor.get() > next) return;
    await sleep(Math.min(left, LINGER_POLL_MS), undefined, { signal });
  }
}
