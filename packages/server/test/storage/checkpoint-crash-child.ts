/**
 * Child of checkpoint-crash.test.ts: a file event log, the DuckDB store checkpointing every 64 KB
 * of WAL (in the commit that passes it), and its loader, taking appends until the parent SIGKILLs
 * it. Prints `loaded <next offset>` after each committed load and `checkpointed` when the WAL shrank.
 *   node --import tsx checkpoint-crash-child.ts <dataDir>
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeEventRecord } from '../../src/log/event-record.js';
import { DurableEnd } from '../../src/log/file/durable-end.js';
import { openFileEventLog } from '../../src/log/file/file-event-log.js';
import { DuckDbStore } from '../../src/storage/duckdb/store.js';
import { fingerprint } from '../../src/storage/event-dedupe.js';
import { makeRow } from '../support/rows.js';

const [dataDir] = process.argv.slice(2) as [string];
const dbPath = join(dataDir, 'sightline.duckdb');

const log = await openFileEventLog(dataDir);
await log.consumers.register('loader');
const store = await DuckDbStore.open({
  path: dbPath,
  rollupRefreshMs: 0,
  // A checkpoint every few loads (~100 events): kills land in and around many of them.
  checkpointThreshold: '64KB',
});
const loaded = new DurableEnd();
store.startLogLoader(
  {
    log: log.readerHandoff(),
    loaded: loaded.shared,
    from: log.bounds().start,
    maxRecords: 200,
    cadence: { lingerMs: 1, fullBatch: 200 },
  },
  (error) => console.error(`load failed: ${error.message}`),
  (batch) => console.log(`loaded ${batch.next}`),
);
let wal = 0;
setInterval(() => {
  let now = 0;
  try {
    now = statSync(`${dbPath}.wal`).size;
  } catch {}
  if (now < wal) console.log('checkpointed');
  wal = now;
}, 1);
for (let n = log.bounds().end; ; n += 50) {
  const records = Array.from({ length: 50 }, (_, i) => {
    const row = makeRow({ uuid: `crash-${n + i}`, event: 'page_view' });
    const [hi, lo] = fingerprint(row.project_id, row.uuid);
    return encodeEventRecord(row, hi, lo);
  });
  await log.append(records);
  await sleep(1);
}
