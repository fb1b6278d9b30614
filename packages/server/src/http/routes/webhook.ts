import { z } from 'zod';
import { webhookTargetPolicyFromEnv, webhookUrlProblem } from '../../delivery/webhook-target.js';
import { ApiError } from '../../errors.js';
import { projectForOwner } from '../auth.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { readJsonArgs } from './json-body.js';

const webhookBody = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http(s) URL' })
    .max(2048)
    .nullable(),
});

/**
 * GET / PUT /v1/webhook (secret key): where new insights are POSTed; `{ "url": null }` removes it.
 * A URL aimed at this machine or a private network is refused here when that shows in the URL
 * (an IP literal, `localhost`); names are checked again after DNS on every delivery.
 */
export const webhookRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/webhook',
    async handler({ req, res, ctx }) {
      const project = await projectForOwner(ctx, req);
      sendJson(res, 200, { url: ctx.settings.webhookFor(project.id) ?? null });
    },
  },
  {
    method: 'PUT',
    path: '/v1/webhook',
    async handler({ req, res, ctx }) {
      const project = await projectForOwner(ctx, req);
      const { url } = await readJsonArgs(req, webhookBody);
      if (url !== null) {
        // The same SIGHTLINE_WEBHOOK_ALLOW_PRIVATE the dispatcher is built with (app.ts).
        const problem = webhookUrlProblem(url, webhookTargetPolicyFromEnv(process.env));
        if (problem) throw new ApiError('invalid_arguments', `url: ${problem}`);
      }
      await ctx.settings.setWebhook(project.id, url);
      sendJson(res, 200, { url });
    },
  },
];
