import { DurableEnd } from '../../src/log/file/durable-end.js';
import type { FileEventLog } from '../../src/log/file/file-event-log.js';
import type { DuckDbStore } from '../../src/storage/duckdb/store.js';
import type { LogLoaderArgs } from '../../src/storage/log-loading.js';

/**
 * Starts `store`'s loader on `log` from the log's start, as openLogIngest does, and returns the cell
 * it publishes its position in (wait on it with waitPastShared). A failed load fails the test.
 */
export function startStoreLoader(
  store: DuckDbStore,
  log: FileEventLog,
  args: Pick<LogLoaderArgs, 'maxRecords'> & Partial<LogLoaderArgs>,
): DurableEnd {
  const loaded = new DurableEnd();
  store.startLogLoader(
    { log: log.readerHandoff(), loaded: loaded.shared, from: log.bounds().start, ...args },
    (error) => {
      throw error;
    },
  );
  return loaded;
}
