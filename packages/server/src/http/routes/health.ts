import { droppedRecordings } from '../../ingest/posthog/recordings.js';
import type { Route, ServerContext } from '../context.js';
import { sendJson } from '../respond.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../storage-unavailable.js';

/** How far behind the log's end its loader and processor are, in events and in ms the oldest has waited. */
function eventLogHealth(eventLog: NonNullable<ServerContext['eventLog']>) {
  const { loader, processor } = eventLog.lag();
  const stats = eventLog.stats();
  return {
    loader_lag_events: loader.events,
    loader_lag_ms: loader.ms,
    processor_lag_events: processor.events,
    processor_lag_ms: processor.ms,
    appended_events: stats.records,
    syncs: stats.syncs,
    failed_writes: stats.failedWrites,
  };
}

/**
 * 200 only while the server can do its job: 503 while shutting down, and 503 while the store is
 * unusable (with why and since when; it recovers on its own, and this answers 200 again).
 */
export const healthRoute: Route = {
  method: 'GET',
  path: '/healthz',
  async handler({ res, ctx }) {
    if (ctx.isShuttingDown()) {
      sendJson(res, 503, { ok: false, error: 'shutting_down' });
      return;
    }
    const health = ctx.engine.health();
    if (!health.ok) {
      res.setHeader('retry-after', String(STORAGE_RETRY_AFTER_SECONDS));
      sendJson(res, 503, {
        ok: false,
        error: 'storage_unavailable',
        engine: ctx.engine.name,
        reason: health.reason,
        since: health.since,
      });
      return;
    }
    sendJson(res, 200, {
      ok: true,
      engine: ctx.engine.name,
      posthog_recording_events_dropped: droppedRecordings(ctx),
      ...(ctx.eventLog ? { event_log: eventLogHealth(ctx.eventLog) } : {}),
      ...(ctx.cluster ? { cluster: ctx.cluster.health() } : {}),
    });
  },
};
