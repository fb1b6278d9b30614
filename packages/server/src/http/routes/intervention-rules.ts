import { z } from 'zod';
import { projectForOwner, projectForRead } from '../auth.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { readJsonArgs } from './json-body.js';

const ruleSchema = z.object({
  id: z.string().min(1).max(100),
  when: z.array(z.string().min(1).max(100)).min(1).max(50),
  action: z.string().min(1).max(100),
  message: z.string().max(2000),
});
const rulesBody = z.object({ rules: z.array(ruleSchema).max(100).nullable() });

/** GET / PUT /v1/intervention-rules (secret key): the project's rules; `{ "rules": null }` restores the defaults. */
export const interventionRulesRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/intervention-rules',
    async handler({ req, res, ctx }) {
      const project = await projectForRead(ctx, req);
      sendJson(res, 200, {
        rules: ctx.settings.rulesFor(project.id),
        defaults: !ctx.settings.hasCustomRules(project.id),
      });
    },
  },
  {
    method: 'PUT',
    path: '/v1/intervention-rules',
    async handler({ req, res, ctx }) {
      const project = await projectForOwner(ctx, req);
      const { rules } = await readJsonArgs(req, rulesBody);
      await ctx.settings.setRules(project.id, rules);
      sendJson(res, 200, { rules: ctx.settings.rulesFor(project.id), defaults: rules === null });
    },
  },
];
