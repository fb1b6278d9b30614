import { MAX_SHARE_KEY_LABEL_LENGTH } from '@sightline/schema';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { projectForOwner } from '../auth.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { readJsonArgs } from './json-body.js';

const createBody = z.strictObject({
  label: z.string().trim().max(MAX_SHARE_KEY_LABEL_LENGTH).optional(),
});

/**
 * Read-only share keys (docs/API.md, Share links), managed by the owner (the secret key or a
 * session signed in with it). A share key reads every query, live query and export of its
 * project and changes nothing; it is returned once, at creation, and only its hash is stored.
 */
export const shareKeyRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/share-keys',
    async handler({ req, res, ctx }) {
      const project = await projectForOwner(ctx, req);
      const { label } = await readJsonArgs(req, createBody);
      sendJson(res, 201, await ctx.access.shareKeys.create(project.id, label ?? ''));
    },
  },
  {
    method: 'GET',
    path: '/v1/share-keys',
    async handler({ req, res, ctx }) {
      const project = await projectForOwner(ctx, req);
      sendJson(res, 200, { share_keys: await ctx.access.shareKeys.list(project.id) });
    },
  },
  {
    // Takes effect at once: requests with the key, sessions opened with it and their live connections end.
    method: 'DELETE',
    path: '/v1/share-keys/:id',
    async handler({ req, res, params, ctx }) {
      const project = await projectForOwner(ctx, req);
      const id = params['id'] ?? '';
      if (!(await ctx.access.shareKeys.revoke(project.id, id)))
        throw new ApiError('not_found', `no share key ${JSON.stringify(id)} in this project`);
      sendJson(res, 200, { id, revoked: true });
    },
  },
];
