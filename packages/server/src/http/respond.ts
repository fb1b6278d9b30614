import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  const apiError =
    error instanceof ApiError ? error : new ApiError('internal_error', 'internal error; see the server log');
  if (!(error instanceof ApiError)) console.error('[sightline] unhandled error:', error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (apiError.retryAfterS !== undefined) res.setHeader('retry-after', String(apiError.retryAfterS));
  sendJson(res, apiError.status, apiError.toBody());
}

/**
 * CORS for browsers: echo the Origin, without credentials. Capture comes from any site but never
 * needs cookies (the SDK sends `credentials: 'omit'`, beacons and EventSource send none that
 * matter), and reads take the secret key as a Bearer header: allowing credentials would only let
 * any site make cookie-bearing calls.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
}

/**
 * No Referer leaves our pages or answers: keys travel in URLs (the SSE stream's public key, the
 * dashboard's `#key=` link before it is removed) and must not reach other sites through it.
 */
export function applyReferrerPolicy(res: ServerResponse): void {
  res.setHeader('referrer-policy', 'no-referrer');
}

export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers':
      req.headers['access-control-request-headers'] ?? 'content-type, authorization, content-encoding',
    'access-control-max-age': '86400',
    'content-length': '0',
  });
  res.end();
}
