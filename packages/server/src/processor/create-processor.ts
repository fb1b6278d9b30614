import type { CommitListener } from '../ingest/group-commit.js';
import type { LogIngest } from '../ingest/log-ingest.js';
import type { WriteNotices } from '../live/index.js';
import type { StorageEngine } from '../storage/engine.js';
import { type ProcessorOptions, StreamProcessor } from './processor.js';
import type { ProjectSettings } from './project-settings.js';
import { RecentEvents } from './recent-events.js';
import { type ProcessorControl, ProcessorHost } from './worker/processor-host.js';

/**
 * The stream processor for how capture stores events. On the event log it runs on its own thread
 * and follows the log (worker/); rule changes are sent to it as they are stored. Where capture
 * commits to the engine (no loader: ClickHouse), it runs here, fed each group commit's rows in memory.
 */
export function createProcessor(
  engine: StorageEngine,
  settings: ProjectSettings,
  notices: WriteNotices,
  committer: { onCommitted(listener: CommitListener): unknown },
  logIngest: LogIngest | undefined,
  options: Partial<ProcessorOptions>,
): ProcessorControl {
  if (logIngest) {
    const host = new ProcessorHost(engine, settings, {
      log: logIngest.log.readerHandoff(),
      logStart: logIngest.log.bounds().start,
      options,
    });
    notices.onWrite((projectId, sets) => {
      if (sets.has('rules')) host.rulesChanged(projectId);
    });
    return host;
  }
  const recent = new RecentEvents();
  const processor = new StreamProcessor(engine, (projectId) => settings.rulesFor(projectId), options, recent);
  committer.onCommitted((rows, result) => {
    recent.add(rows, result);
    processor.notify();
  });
  return processor;
}
