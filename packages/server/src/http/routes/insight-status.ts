import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { projectForOwner } from '../auth.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { readJsonArgs } from './json-body.js';

const statusBody = z.object({ status: z.enum(['open', 'acknowledged', 'resolved']) });

/** POST /v1/insights/:id/status (secret key): acknowledge or resolve an insight. */
export const insightStatusRoute: Route = {
  method: 'POST',
  path: '/v1/insights/:id/status',
  async handler({ req, res, params, ctx }) {
    const project = await projectForOwner(ctx, req);
    const { status } = await readJsonArgs(req, statusBody);
    const id = params['id'] ?? '';
    // Announced to live queries by the component itself: subscribers see the new status at once.
    if (!(await ctx.insightStatuses.set(project.id, id, status, Date.now())))
      throw new ApiError('not_found', `no insight ${JSON.stringify(id)} in this project`);
    sendJson(res, 200, { id, status });
  },
};
