import { projectForCapture } from '../auth.js';
import type { Route, RouteHandler } from '../context.js';
import { sendJson } from '../respond.js';
import { bothSlashes } from './posthog.js';

/**
 * The remote config posthog-js asks for at start (fields read by posthog-js 1.x, see
 * `RemoteConfig` in @posthog/browser-common). Without a boolean `autocapture_opt_out` it never
 * autocaptures (so no `$autocapture` or `$rageclick`); `supportedCompression` makes it gzip;
 * features Sightline has no backend for (recordings, surveys, heatmaps, tours, chat) are off.
 */
export const POSTHOG_REMOTE_CONFIG = {
  supportedCompression: ['gzip-js'],
  autocapture_opt_out: false,
  analytics: { endpoint: '/i/v0/e/' },
  // `$elements_chain` as one string: smaller than the `$elements` array, and what PostHog stores.
  elementsChainAsString: true,
  capturePerformance: { web_vitals: true, network_timing: false },
  autocaptureExceptions: true,
  errorTracking: { autocaptureExceptions: true, suppressionRules: [] },
  captureDeadClicks: true,
  heatmaps: false,
  sessionRecording: false,
  surveys: false,
  productTours: false,
  conversations: false,
  logs: { captureConsoleLogs: false },
  siteApps: [],
  toolbarParams: {},
  toolbarVersion: 'toolbar',
  isAuthenticated: false,
  // No flags exist: posthog-js then skips its /flags/ request at start.
  hasFeatureFlags: false,
} as const;

/** The config as a script setting `window._POSTHOG_REMOTE_CONFIG[token]` (how posthog-js loads it first). */
function configScript(token: string): string {
  const json = (value: unknown) =>
    JSON.stringify(value)
      .replaceAll('<', '\\u003c')
      .replaceAll('\u2028', '\\u2028')
      .replaceAll('\u2029', '\\u2029');
  return (
    '(function(){var w=window;w._POSTHOG_REMOTE_CONFIG=w._POSTHOG_REMOTE_CONFIG||{};' +
    `w._POSTHOG_REMOTE_CONFIG[${json(token)}]={config:${json(POSTHOG_REMOTE_CONFIG)},siteApps:[]};})();\n`
  );
}

const CONFIG_CACHE = 'public, max-age=300';

const configJson: RouteHandler = async ({ res, params, ctx }) => {
  projectForCapture(ctx.projects, params['key']);
  const text = JSON.stringify(POSTHOG_REMOTE_CONFIG);
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': CONFIG_CACHE,
  });
  res.end(text);
};

const configJs: RouteHandler = async ({ res, params, ctx }) => {
  const token = params['key'] ?? '';
  projectForCapture(ctx.projects, token);
  const text = configScript(token);
  res.writeHead(200, {
    'content-type': 'application/javascript; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': CONFIG_CACHE,
  });
  res.end(text);
};

/** POST /flags/?v=2: Sightline has no feature flags. `config=true` asks for the remote config too. */
const flags: RouteHandler = async ({ res, url }) => {
  const config = url.searchParams.get('config') === 'true' ? POSTHOG_REMOTE_CONFIG : {};
  sendJson(res, 200, { ...config, flags: {}, errorsWhileComputingFlags: false });
};

/** POST /decide/: the legacy shape (config fields beside flat flag maps) for older posthog-js. */
const decide: RouteHandler = async ({ res }) => {
  sendJson(res, 200, {
    ...POSTHOG_REMOTE_CONFIG,
    config: { enable_collect_everything: true },
    featureFlags: {},
    featureFlagPayloads: {},
    errorsWhileComputingFlags: false,
  });
};

export const posthogConfigRoutes: readonly Route[] = [
  { method: 'GET', path: '/array/:key/config', handler: configJson },
  { method: 'GET', path: '/array/:key/config.js', handler: configJs },
  ...bothSlashes('/flags/', 'POST', flags),
  ...bothSlashes('/decide/', 'POST', decide),
];
