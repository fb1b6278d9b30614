import { droppedRecordings } from '../../ingest/posthog/recordings.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';

export const healthRoute: Route = {
  method: 'GET',
  path: '/healthz',
  async handler({ res, ctx }) {
    if (ctx.isShuttingDown()) sendJson(res, 503, { ok: false, error: 'shutting_down' });
    else
      sendJson(res, 200, {
        ok: true,
        engine: ctx.engine.name,
        posthog_recording_events_dropped: droppedRecordings(ctx),
      });
  },
};
