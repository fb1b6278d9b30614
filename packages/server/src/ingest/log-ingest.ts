import { definedOnly, positiveIntegerFromEnv } from '../env.js';
import { parseEventRecord } from '../log/event-record.js';
import { type FileEventLog, logLimitsFromEnv, openFileEventLog } from '../log/index.js';
import {
  type BacklogOptions,
  DEFAULT_BACKLOG,
  LogBacklog,
  type ProcessorProgress,
} from '../log/log-backlog.js';
import { sql } from '../sql/sql.js';
import type { StorageEngine } from '../storage/engine.js';
import { DEFAULT_LOADER_BATCH, type EventLogLoading } from '../storage/log-loading.js';
import { IngestDedupe } from './ingest-dedupe.js';
import { LogCommitter } from './log-committer.js';

/** The log's consumers, by the names they are registered under. */
export const LOG_CONSUMERS = ['loader', 'processor'] as const;

/** Everything capture on the event log needs, opened together (app.ts). */
export interface LogIngest {
  log: FileEventLog;
  committer: LogCommitter;
  backlog: LogBacklog;
  /** Stops releasing positions and closes the log (after the engine closed its loader). */
  close(): Promise<void>;
}

/** The operator's overrides: SIGHTLINE_LOG_MAX_BEHIND (events), SIGHTLINE_READ_WAIT_MS. */
export function backlogOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<BacklogOptions> {
  return definedOnly({
    maxBehindEvents: positiveIntegerFromEnv(env, 'SIGHTLINE_LOG_MAX_BEHIND'),
    readWaitMs: positiveIntegerFromEnv(env, 'SIGHTLINE_READ_WAIT_MS'),
    releaseEveryMs: undefined,
  });
}

/**
 * Opens the event log under the data directory (after the engine: its lock on the directory keeps
 * a second server out), loads capture's duplicate check (the stored events' fingerprints, plus the
 * log's records the loader may not have stored yet) and starts the engine's loader.
 */
export async function openLogIngest(
  engine: StorageEngine,
  loading: EventLogLoading,
  dataDir: string,
  processor: ProcessorProgress,
  options: Partial<BacklogOptions> = {},
): Promise<LogIngest> {
  const [last] = await engine.query(sql`SELECT coalesce(max(seq), 0) AS n FROM events`);
  const log = await openFileEventLog(dataDir, {
    ...logLimitsFromEnv(process.env),
    firstOffset: Number(last?.['n'] ?? 0),
  });
  const { cutBytes, cutWhy } = log.openReport;
  // Only ever unacknowledged bytes (a write the crash interrupted): said once, for the operator.
  if (cutBytes > 0) console.warn(`[sightline] event log: cut ${cutBytes} bytes of torn tail (${cutWhy})`);
  try {
    for (const name of LOG_CONSUMERS) await log.consumers.register(name);
    const stored = await loading.eventFingerprints();
    const dedupe = new IngestDedupe(stored.hi.length);
    dedupe.addStored(stored.hi, stored.lo);
    await addUnloaded(log, dedupe);
    const backlog = new LogBacklog(log, processor, { ...DEFAULT_BACKLOG, ...options });
    await loading.startLogLoader({
      log: log.readerHandoff(),
      loaded: backlog.loaded.shared,
      readsWaitFor: backlog.readsWaitFor.shared,
      from: log.bounds().start,
      maxRecords: DEFAULT_LOADER_BATCH,
    });
    return {
      log,
      committer: new LogCommitter(log, dedupe, backlog, engine, (error) =>
        loading.reportLogFailure(error.reason, error),
      ),
      backlog,
      async close() {
        backlog.stop();
        await backlog.release();
        await log.close();
      },
    };
  } catch (error) {
    await log.close().catch(() => undefined);
    throw error;
  }
}

/**
 * The records from the loader's last released position on: acknowledged, perhaps not stored yet
 * (a restart while the loader was behind), so a retry of one of them must still be a duplicate.
 */
async function addUnloaded(log: FileEventLog, dedupe: IngestDedupe): Promise<void> {
  let next = log.consumers.positions().get('loader') ?? log.bounds().start;
  const end = log.bounds().end;
  while (next < end) {
    const records = await log.read(next, { maxRecords: 10_000 });
    if (records.length === 0) break;
    for (const record of records) {
      dedupe.addRow(parseEventRecord(record.data));
    }
    next = records[records.length - 1]!.offset + 1;
  }
}
