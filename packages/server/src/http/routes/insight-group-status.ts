import { INSIGHT_STATUSES, problemKeySchema } from '@sightline/schema';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { projectForOwner } from '../auth.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { readJsonArgs } from './json-body.js';

const groupStatusBody = z.object({ problem: problemKeySchema, status: z.enum(INSIGHT_STATUSES) });

/**
 * PUT /v1/insight-groups/status (the owner: secret key or its signed-in session): acknowledge, resolve or reopen a problem group
 * (`problem` from the `insight_groups` query): every insight of it stored up to now.
 */
export const insightGroupStatusRoute: Route = {
  method: 'PUT',
  path: '/v1/insight-groups/status',
  async handler({ req, res, ctx }) {
    const project = await projectForOwner(ctx, req);
    const { problem, status } = await readJsonArgs(req, groupStatusBody);
    // Announced to live queries by the component itself: subscribers see the new status at once.
    const updated = await ctx.insightStatuses.setGroup(project.id, problem, status, Date.now());
    if (updated === null)
      throw new ApiError('not_found', `no problem ${JSON.stringify(problem)} in this project's insights`);
    sendJson(res, 200, { problem, status, updated });
  },
};
