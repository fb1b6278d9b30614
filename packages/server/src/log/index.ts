/** The event log: the interface, its errors and limits, and its implementations (file, NATS JetStream). */

export {
  LogClosedError,
  LogCorruptionError,
  LogOffsetRemovedError,
  LogRecordTooLargeError,
  LogWriteError,
  type LogWriteFailure,
} from './errors.js';
export type {
  AppendOptions,
  AppendResult,
  EventLog,
  LogBounds,
  LogConsumers,
  LogOffset,
  LogRecord,
  LogStats,
  ReadLimits,
} from './event-log.js';
export {
  type FileEventLog,
  type FileEventLogOptions,
  type OpenReport,
  openFileEventLog,
} from './file/file-event-log.js';
export { eventLogDir } from './file/segment-files.js';
export { type LogReader, type LogReaderHandoff, openLogReader } from './file/worker-reader.js';
export { DEFAULT_LOG_LIMITS, type LogLimits, logLimitsFromEnv } from './limits.js';
export { NatsEventLog, type NatsEventLogOptions } from './nats/nats-event-log.js';
