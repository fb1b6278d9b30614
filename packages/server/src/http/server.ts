import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, shuttingDown } from '../errors.js';
import { ConnectionGuard } from './connection-guard.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { Route, ServerContext } from './context.js';
import { answerPreflight, applyCors, applyReferrerPolicy, sendError } from './respond.js';
import { matchRoute } from './router.js';
import { appStaticRoutes, demoStaticRoutes } from './routes/app-static.js';
import { demoRoutes } from './routes/demo.js';
import { eventsRoute } from './routes/events.js';
import { exportRoute } from './routes/export.js';
import { healthRoute } from './routes/health.js';
import { posthogRoutes } from './routes/posthog.js';
import { posthogConfigRoutes } from './routes/posthog-config.js';
import { posthogStaticRoutes } from './routes/posthog-static.js';
import { processorRoutes } from './routes/processor.js';
import { queryRoute } from './routes/query.js';
import { segmentRoutes } from './routes/segment.js';
import { settingsRoutes } from './routes/settings.js';
import { shareKeyRoutes } from './routes/share-keys.js';
import { signInRoutes } from './routes/sign-in.js';
import { asStorageUnavailable } from './storage-unavailable.js';

export const ROUTES: readonly Route[] = [
  healthRoute,
  eventsRoute,
  queryRoute,
  exportRoute,
  ...posthogRoutes,
  ...posthogConfigRoutes,
  ...posthogStaticRoutes,
  ...segmentRoutes,
  ...processorRoutes,
  ...settingsRoutes,
  ...signInRoutes,
  ...shareKeyRoutes,
  ...appStaticRoutes,
];

/** The demo's page and API, matched only when the demo is on (`--demo`); off, they are unknown routes (404). */
export const DEMO_ROUTES: readonly Route[] = [...demoStaticRoutes, ...demoRoutes];
const ROUTES_WITH_DEMO: readonly Route[] = [...ROUTES, ...DEMO_ROUTES];

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  applyCors(req, res);
  if (ctx.isShuttingDown()) res.setHeader('connection', 'close');
  if (req.method === 'OPTIONS') {
    answerPreflight(req, res);
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = matchRoute(ctx.demo ? ROUTES_WITH_DEMO : ROUTES, req.method ?? 'GET', url.pathname);
  if (!match) throw new ApiError('not_found', `no route for ${req.method} ${url.pathname}`);
  if ('allowed' in match) {
    res.setHeader('allow', match.allowed.join(', '));
    throw new ApiError('method_not_allowed', `${req.method} is not allowed on ${url.pathname}`);
  }
  if (ctx.isShuttingDown() && match.route !== healthRoute) {
    res.setHeader('connection', 'close');
    throw shuttingDown();
  }
  await match.route.handler({ req, res, url, params: match.params, ctx });
}

/**
 * The HTTP adapter: node:http, a route table, CORS, JSON errors. No framework needed. Sockets are
 * capped in total and per client (connection-guard.ts; `limits` overrides the defaults).
 */
/** `limits`: already fitted to the open-file limit (app.ts fits them once, for the SSE caps too). */
export function createHttpServer(ctx: ServerContext, limits: ConnectionLimits): Server {
  const server = createServer((req, res) => {
    applyReferrerPolicy(res);
    handle(ctx, req, res).catch((error: unknown) => {
      // An oversized body is refused before it is read: close the connection rather than reading it all.
      if (error instanceof ApiError && error.code === 'body_too_large') res.setHeader('connection', 'close');
      sendError(res, asStorageUnavailable(ctx.engine, error));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  new ConnectionGuard(limits).install(server);
  return server;
}
