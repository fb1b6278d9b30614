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
  sendJson(res, apiError.status, apiError.toBody());
}

/** CORS for browsers: echo the Origin (capture comes from any site; data reads need the secret key anyway). */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('vary', 'Origin');
}

export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
    'access-control-allow-headers':
      req.headers['access-control-request-headers'] ?? 'content-type, authorization, content-encoding',
    'access-control-max-age': '86400',
    'content-length': '0',
  });
  res.end();
}
