import type { EventLog, LogOffset, LogRecord } from '../log/event-log.js';
import { parseEventRecord } from '../log/event-record.js';
import type { StorageEngine, StoredEvent } from '../storage/engine.js';
import { asStoredEvent } from '../storage/stored-event.js';

/**
 * The processor's events when capture acknowledges on the event log: read from the log, where
 * record `offset` is the event numbered seq = offset + 1 (the loader may not have stored it yet).
 * Events before `logStart` (a store that held events when the log was added: the log then starts
 * at their last seq) are read from the store. The processor is a registered consumer, so nothing
 * it still needs is removed from the log.
 */
export function logEventSource(
  log: Pick<EventLog, 'read'>,
  logStart: () => LogOffset,
  store: Pick<StorageEngine, 'readEventsAfter'>,
): Pick<StorageEngine, 'readEventsAfter'> {
  return {
    async readEventsAfter(afterSeq, limit) {
      const start = logStart();
      if (afterSeq < start) {
        const stored = (await store.readEventsAfter(afterSeq, limit)).filter((e) => e.seq <= start);
        if (stored.length > 0) return stored;
        afterSeq = start;
      }
      const records = await log.read(afterSeq, { maxRecords: limit });
      return records.map((record) => storedEventOf(record, record.offset + 1));
    },
  };
}

/** The event a log record holds, numbered `seq`. */
export function storedEventOf(record: LogRecord, seq: number): StoredEvent {
  return asStoredEvent(parseEventRecord(record.data), seq);
}
