import type { SignInState } from '@sightline/schema';
import { z } from 'zod';
import type { Access } from '../../projects/dashboard-access.js';
import { accessFor, bearerToken, projectForOwner, requireDashboardHeader } from '../auth.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { clearSessionCookie, sessionCookieOf, setSessionCookie } from '../session-cookie.js';
import { readJsonArgs } from './json-body.js';

const signInBody = z.strictObject({ key: z.string().trim().min(1).max(500) });

const stateOf = (access: Access, expiresAt: number | null): SignInState => ({
  project_id: access.project.id,
  project_name: access.project.name,
  read_only: access.readOnly,
  expires_at: expiresAt,
});

/**
 * Dashboard sign-in by cookie (docs/API.md, Dashboard sign-in): the key is exchanged once for a
 * server-side session, so the browser never keeps it. Every route that sets or ends the cookie
 * needs the X-Sightline-Request header, so no other page can sign a browser in or out.
 */
export const signInRoutes: readonly Route[] = [
  {
    // The secret key (full access) or a share key (read-only), as Bearer or `{ "key": … }`.
    method: 'POST',
    path: '/v1/sign-in',
    async handler({ req, res, ctx }) {
      requireDashboardHeader(req);
      const key = bearerToken(req) ?? (await readJsonArgs(req, signInBody)).key;
      const access = await ctx.access.byKey(key);
      const session = await ctx.access.sessions.create(access.project.id, access.shareKeyId);
      // The session this browser held before (if any) is replaced, so it is ended, not orphaned.
      const previous = sessionCookieOf(req);
      if (previous) await ctx.access.sessions.signOut(previous);
      setSessionCookie(req, res, session.cookie, session.expiresAt);
      sendJson(res, 200, stateOf(access, session.expiresAt));
    },
  },
  {
    // Who this browser (or the key sent) is signed in as; 401 when not signed in.
    method: 'GET',
    path: '/v1/session',
    async handler({ req, res, ctx }) {
      const access = await accessFor(ctx, req);
      sendJson(res, 200, stateOf(access, access.session?.expiresAt ?? null));
    },
  },
  {
    // This browser only. Answers 200 even when the session had already ended.
    method: 'POST',
    path: '/v1/sign-out',
    async handler({ req, res, ctx }) {
      const cookie = sessionCookieOf(req);
      if (cookie) {
        requireDashboardHeader(req);
        await ctx.access.sessions.signOut(cookie);
      }
      clearSessionCookie(req, res);
      sendJson(res, 200, { signed_out: true });
    },
  },
  {
    // Every session of the project, on every browser (live connections close). Owner only.
    method: 'POST',
    path: '/v1/sign-out-everywhere',
    async handler({ req, res, ctx }) {
      const project = await projectForOwner(ctx, req);
      const sessions = await ctx.access.sessions.revokeAll(project.id);
      if (sessionCookieOf(req)) clearSessionCookie(req, res);
      sendJson(res, 200, { signed_out_sessions: sessions });
    },
  },
];
