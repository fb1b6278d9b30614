import { ApiError } from '../../errors.js';
import { projectForCapture } from '../auth.js';
import { clientKey } from '../client-address.js';
import type { Route } from '../context.js';

const MAX_SESSION_ID = 200;

/**
 * GET /v1/interventions?session_id=&api_key=<public key>: Server-Sent Events (EventSource cannot
 * send headers, hence the key in the URL; it is the public key). A session receives only its own.
 * Streams are capped per client address, per project and in total: past a cap, 429 rate_limited.
 */
export const interventionsStreamRoute: Route = {
  method: 'GET',
  path: '/v1/interventions',
  async handler({ req, res, url, ctx }) {
    const project = projectForCapture(ctx.projects, url.searchParams.get('api_key') ?? undefined);
    const sessionId = url.searchParams.get('session_id') ?? '';
    if (sessionId === '' || sessionId.length > MAX_SESSION_ID)
      throw new ApiError('invalid_arguments', `session_id is required (1-${MAX_SESSION_ID} characters)`);
    await ctx.interventions.attach(project.id, sessionId, res, clientKey(req.socket.remoteAddress));
  },
};
