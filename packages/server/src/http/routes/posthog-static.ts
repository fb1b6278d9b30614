import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ApiError } from '../../errors.js';
import type { Route, RouteHandler } from '../context.js';

/** posthog-js, a dependency of this package: its `dist/` holds array.js and the lazy extensions. */
const POSTHOG_PACKAGE = createRequire(import.meta.url).resolve('posthog-js/package.json');
const POSTHOG_DIST = join(dirname(POSTHOG_PACKAGE), 'dist');
export const POSTHOG_JS_VERSION = (JSON.parse(readFileSync(POSTHOG_PACKAGE, 'utf8')) as { version: string })
  .version;

/** One file name in dist/, no directories: a name with `/`, `\` or a leading dot never matches. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.js(\.map)?$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** `/static/<name>.js?v=<version>`: the URL changes with each posthog-js release anyway. */
const UNVERSIONED = 'public, max-age=3600';

/** A few dozen files at most, read once. */
const assetCache = new Map<string, Buffer>();

async function readAsset(name: string): Promise<Buffer> {
  if (!ASSET_NAME.test(name)) throw new ApiError('not_found', 'no such posthog-js asset');
  const cached = assetCache.get(name);
  if (cached) return cached;
  try {
    const bytes = await readFile(join(POSTHOG_DIST, name));
    assetCache.set(name, bytes);
    return bytes;
  } catch {
    throw new ApiError('not_found', `posthog-js ${POSTHOG_JS_VERSION} has no ${name}`);
  }
}

function serveAsset(cacheControl: string): RouteHandler {
  return async ({ res, params }) => {
    if (params['version'] !== undefined && params['version'] !== POSTHOG_JS_VERSION) {
      throw new ApiError('not_found', `this server serves posthog-js ${POSTHOG_JS_VERSION} only`);
    }
    const name = params['name'] ?? '';
    const bytes = await readAsset(name);
    res.writeHead(200, {
      'content-type': name.endsWith('.map') ? 'application/json' : 'application/javascript; charset=utf-8',
      'content-length': bytes.length,
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
    });
    res.end(bytes);
  };
}

/** GET /static/array.js (the snippet) and /static/[<version>/]<extension>.js (lazy-loaded by posthog-js). */
export const posthogStaticRoutes: readonly Route[] = [
  { method: 'GET', path: '/static/:name', handler: serveAsset(UNVERSIONED) },
  { method: 'GET', path: '/static/:version/:name', handler: serveAsset(IMMUTABLE) },
];
