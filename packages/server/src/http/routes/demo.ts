import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AnalysisLine } from '../../demo/analyze.js';
import { AnalysisFailure, analyzeInWorker, reserveAnalysisSlot } from '../../demo/analyze-in-worker.js';
import { receiveUpload } from '../../demo/receive-upload.js';
import { uploadStore } from '../../demo/upload-store.js';
import { ApiError } from '../../errors.js';
import { DEFAULT_PROJECT_ID } from '../../projects/default-project.js';
import type { Route } from '../context.js';
import { sendJson } from '../respond.js';
import { readJsonArgs } from './json-body.js';

/**
 * The demo app's own backend (apps/demo, served at /demo/ by app-static.ts): its config, a real
 * multipart upload and a real analysis of the uploaded bytes. Public like the demo page itself;
 * it stores nothing of Sightline's (videos live in a temp folder until analysed; see demo/).
 * Served only when the demo is on (`sightline start --demo`, http/server.ts).
 */

/** GET /demo/config.json: the default project's public key (public on purpose) and this server's origin. */
const configRoute: Route = {
  method: 'GET',
  path: '/demo/config.json',
  async handler({ req, res, ctx }) {
    const project = (await ctx.engine.listProjects()).find((p) => p.id === DEFAULT_PROJECT_ID);
    if (!project) throw new ApiError('not_found', 'no default project');
    const forwarded = req.headers['x-forwarded-proto'];
    const proto = typeof forwarded === 'string' && forwarded.startsWith('https') ? 'https' : 'http';
    sendJson(res, 200, { key: project.public_key, host: `${proto}://${req.headers.host ?? 'localhost'}` });
  },
};

/** POST /demo/api/upload (multipart, one file) → `{ upload_id, name, size, sha256, format }`. */
const uploadRoute: Route = {
  method: 'POST',
  path: '/demo/api/upload',
  async handler({ req, res }) {
    const upload = await receiveUpload(req, uploadStore);
    sendJson(res, 200, {
      upload_id: upload.id,
      name: upload.name,
      size: upload.size,
      sha256: upload.sha256,
      format: upload.format,
      declared_type: upload.declaredType,
    });
  },
};

const analyzeArgs = z.object({ upload_id: z.string().min(1).max(100) });

/**
 * POST /demo/api/analyze `{ upload_id }` → NDJSON, one line per step and per 5 % of the file read
 * back, then `{ type: "result", analysis }` (or `{ type: "error" }` once the answer has begun:
 * `unsupported_content_type` for a file past the work caps, `query_timeout` past the time budget).
 * The analysis runs in a worker thread (demo/analyze-in-worker.ts), at most two at once (503).
 */
const analyzeRoute: Route = {
  method: 'POST',
  path: '/demo/api/analyze',
  async handler({ req, res }) {
    const { upload_id } = await readJsonArgs(req, analyzeArgs);
    const release = reserveAnalysisSlot();
    try {
      await analyze(res, upload_id);
    } finally {
      release();
    }
  },
};

/** Streams one upload's analysis to `res` as NDJSON (the upload is consumed: one analysis each). */
async function analyze(res: ServerResponse, uploadId: string): Promise<void> {
  const upload = uploadStore.take(uploadId);
  if (!upload)
    throw new ApiError(
      'not_found',
      'no such upload: it was already analysed or has expired; upload it again',
    );
  res.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  // Backpressure: wait when the client reads slower than the file is hashed; stop when it left.
  const write = (line: AnalysisLine) =>
    new Promise<void>((resolve, reject) => {
      if (res.destroyed) return reject(new Error('the client went away'));
      if (res.write(`${JSON.stringify(line)}\n`)) return resolve();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        if (res.destroyed) reject(new Error('the client went away'));
        else resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  // A client that leaves stops the worker at once, not at its next progress line.
  const left = new AbortController();
  res.once('close', () => left.abort());
  try {
    const analysis = await analyzeInWorker(upload, write, { signal: left.signal });
    await write({ type: 'result', analysis });
  } catch (error) {
    if (res.destroyed) return;
    const failure =
      error instanceof AnalysisFailure
        ? error
        : new AnalysisFailure('internal_error', 'the analysis failed; see the server log');
    if (!(error instanceof AnalysisFailure)) console.error('[sightline] demo analysis failed:', error);
    await write({ type: 'error', error: failure.code, message: failure.message }).catch(() => undefined);
  }
  res.end();
}

export const demoRoutes: readonly Route[] = [configRoute, uploadRoute, analyzeRoute];
