import type { IncomingMessage } from 'node:http';
import { DASHBOARD_REQUEST_HEADER } from '@sightline/schema';
import { ApiError } from '../errors.js';
import type { Access } from '../projects/dashboard-access.js';
import type { ProjectDirectory } from '../projects/directory.js';
import type { Project } from '../storage/engine.js';
import type { ServerContext } from './context.js';
import { sessionCookieOf } from './session-cookie.js';

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}

/** The user of `Authorization: Basic base64(user:password)`: Segment sends its write key there. */
export function basicAuthUser(req: IncomingMessage): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const user = decoded.split(':')[0];
  return user ? user : undefined;
}

/** Capture: the project's public key, from the body's api_key or a Bearer header. */
export function projectForCapture(projects: ProjectDirectory, key: string | undefined): Project {
  if (!key)
    throw new ApiError('missing_api_key', 'send the project public key as api_key or Authorization: Bearer');
  const project = projects.byPublicKey(key);
  if (project) return project;
  if (projects.bySecretKey(key)) {
    throw new ApiError(
      'invalid_api_key',
      'that is a secret key; capture takes the public key (keep the secret private)',
    );
  }
  throw new ApiError('invalid_api_key', 'unknown api key');
}

/**
 * Who a dashboard-side request is: a key as `Authorization: Bearer` (the secret key, or a share
 * key), else the sign-in cookie. Keys are never taken from URLs, where they would be logged. A
 * cookie request other than GET must carry the X-Sightline-Request header (see DASHBOARD_REQUEST_HEADER).
 */
export async function accessFor(ctx: ServerContext, req: IncomingMessage): Promise<Access> {
  const key = bearerToken(req);
  if (key) return ctx.access.byKey(key);
  const cookie = sessionCookieOf(req);
  if (!cookie) {
    throw new ApiError(
      'missing_secret_key',
      'send the project secret key as Authorization: Bearer <secret>, or sign in (POST /v1/sign-in)',
    );
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') requireDashboardHeader(req);
  return ctx.access.bySession(cookie);
}

/** Reading data: the secret key, a share key, or a session signed in with either. */
export async function projectForRead(ctx: ServerContext, req: IncomingMessage): Promise<Project> {
  return (await accessFor(ctx, req)).project;
}

/**
 * Changing anything, and reading what only the owner may see (the webhook URL, which often holds a
 * token; the share keys): the secret key or a session signed in with it. A share key → 403.
 */
export async function projectForOwner(ctx: ServerContext, req: IncomingMessage): Promise<Project> {
  const access = await accessFor(ctx, req);
  if (access.readOnly) {
    throw new ApiError('read_only_key', 'this is a read-only share key: it reads data but changes nothing');
  }
  return access.project;
}

/**
 * Refuses a cookie request that another site could have made the browser send. SameSite=Strict
 * keeps the cookie off requests from other sites, but not from other origins of the same site
 * (another port of localhost, a sibling subdomain); those cannot add a custom header without a
 * CORS preflight, and the server never allows credentials in one.
 */
export function requireDashboardHeader(req: IncomingMessage): void {
  if (!req.headers[DASHBOARD_REQUEST_HEADER]) {
    throw new ApiError(
      'cross_site_request',
      `a request signed in by cookie must send the header ${DASHBOARD_REQUEST_HEADER}: 1`,
    );
  }
}
