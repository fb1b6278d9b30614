import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { ApiError } from '../../errors.js';
import type { Route, RouteHandler } from '../context.js';

/**
 * The built browser apps: the dashboard at `/` and the demo at `/demo/`. Vite writes
 * `dist/index.html` and hashed files under `dist/assets/`; nothing else is served, so a request
 * can never reach outside those two folders. The server does not import the apps: it
 * only finds their build folders through the workspace links in node_modules.
 */
interface BuiltApp {
  name: string;
  /** `null` when the app's package is not installed at all. */
  dist: string | null;
}

function locate(packageName: string): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve(`${packageName}/package.json`)), 'dist');
  } catch {
    return null;
  }
}

const DASHBOARD: BuiltApp = { name: 'dashboard', dist: locate('@sightline/dashboard') };
const DEMO: BuiltApp = { name: 'demo', dist: locate('@sightline/demo') };

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** One file name, no directories: a name with `/`, `\`, `..` or a leading dot never matches. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Scripts only from this origin (vite emits no inline script), so even a rendering bug cannot run
 * injected markup; echarts sets inline styles, hence 'unsafe-inline' for styles only.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

async function readBuilt(app: BuiltApp, relative: string): Promise<Buffer> {
  if (!app.dist) throw new ApiError('not_found', `the ${app.name} app is not installed`);
  try {
    return await readFile(join(app.dist, relative));
  } catch {
    throw new ApiError(
      'not_found',
      relative === 'index.html'
        ? `the ${app.name} app is not built; run \`npm run build\``
        : `no such ${app.name} asset`,
    );
  }
}

function serveIndex(app: BuiltApp): RouteHandler {
  return async ({ res }) => {
    const html = await readBuilt(app, 'index.html');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': html.length,
      // The HTML names the current hashed assets: always revalidate it.
      'cache-control': 'no-cache',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    });
    res.end(html);
  };
}

function serveAsset(app: BuiltApp): RouteHandler {
  return async ({ res, params }) => {
    const name = params['name'] ?? '';
    if (!ASSET_NAME.test(name) || name.includes('..')) throw new ApiError('not_found', 'no such asset');
    const bytes = await readBuilt(app, join('assets', name));
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
      'content-length': bytes.length,
      // Vite puts a content hash in every asset name.
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    res.end(bytes);
  };
}

/** `GET /demo` → `/demo/`, so the demo's relative URLs resolve under /demo/. */
const redirectToDemo: RouteHandler = async ({ res }) => {
  res.writeHead(308, { location: '/demo/', 'content-length': '0' });
  res.end();
};

export const appStaticRoutes: readonly Route[] = [
  { method: 'GET', path: '/', handler: serveIndex(DASHBOARD) },
  { method: 'GET', path: '/index.html', handler: serveIndex(DASHBOARD) },
  { method: 'GET', path: '/assets/:name', handler: serveAsset(DASHBOARD) },
];

/** The demo's page and assets: served only when the demo is on (http/server.ts). */
export const demoStaticRoutes: readonly Route[] = [
  { method: 'GET', path: '/demo', handler: redirectToDemo },
  { method: 'GET', path: '/demo/', handler: serveIndex(DEMO) },
  { method: 'GET', path: '/demo/index.html', handler: serveIndex(DEMO) },
  { method: 'GET', path: '/demo/assets/:name', handler: serveAsset(DEMO) },
];
