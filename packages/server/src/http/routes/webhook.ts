import { z } from 'zod';
import { projectForRead } from '../auth.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { readJsonArgs } from './json-body.js';

const webhookBody = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http(s) URL' })
    .max(2048)
    .nullable(),
});

/** GET / PUT /v1/webhook (secret key): where new insights are POSTed; `{ "url": null }` removes it. */
export const webhookRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/webhook',
    async handler({ req, res, ctx }) {
      const project = projectForRead(ctx.projects, req);
      sendJson(res, 200, { url: ctx.settings.webhookFor(project.id) ?? null });
    },
  },
  {
    method: 'PUT',
    path: '/v1/webhook',
    async handler({ req, res, ctx }) {
      const project = projectForRead(ctx.projects, req);
      const { url } = await readJsonArgs(req, webhookBody);
      await ctx.settings.setWebhook(project.id, url);
      sendJson(res, 200, { url });
    },
  },
];
