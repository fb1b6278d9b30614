import { keySettingsPatchSchema } from '../../projects/key-settings.js';
import { projectForOwner, projectForRead } from '../auth.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { readJsonArgs } from './json-body.js';

/**
 * GET / PUT /v1/settings (secret key): the project's key funnel (what overview, drop_offs and
 * dashboard call conversion) and key journey (what the interventions report compares). A PUT
 * changes only the fields it gives; `null` clears one. Both answer the settings in force.
 */
export const settingsRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/settings',
    async handler({ req, res, ctx }) {
      const project = await projectForRead(ctx, req);
      sendJson(res, 200, ctx.settings.keySettingsFor(project.id));
    },
  },
  {
    method: 'PUT',
    path: '/v1/settings',
    async handler({ req, res, ctx }) {
      const project = await projectForOwner(ctx, req);
      const patch = await readJsonArgs(req, keySettingsPatchSchema);
      sendJson(res, 200, await ctx.settings.updateKeySettings(project.id, patch));
    },
  },
];
