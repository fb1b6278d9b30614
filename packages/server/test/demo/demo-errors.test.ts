import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import type { AnalysisLine } from '../../src/demo/analyze.js';
import {
  AnalysisFailure,
  analyzeInWorker,
  MAX_CONCURRENT_ANALYSES,
  reserveAnalysisSlot,
} from '../../src/demo/analyze-in-worker.js';
import type { StoredUpload } from '../../src/demo/upload-store.js';
import { startTestApp } from '../support/app.js';
import { buildMp4 } from './fixtures.js';
import { analyzeUpload, type Json, uploadVideo } from './support.js';

/** A raw upload request: the test writes exactly these headers and body bytes. */
function rawUpload(app: RunningSightline, headers: Record<string, string>, body: string | Buffer) {
  return new Promise<{ status: number; type: string; body: Json }>((resolve, reject) => {
    const req = request(`${app.url}/demo/api/upload`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: JSON.parse(text) as Json,
        }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(body);
  });
}

const filePart = (boundary: string, bytes: Buffer) =>
  Buffer.concat([
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.mp4"\r\ncontent-type: video/mp4\r\n\r\n`,
    ),
    bytes,
  ]);

describe('demo API: malformed requests are 4xx JSON, never 500', () => {
  let app: RunningSightline;
  beforeAll(async () => {
    app = await startTestApp(undefined, { demo: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('multipart without a boundary, or with an unusable content type, is a 400 invalid_arguments', async () => {
    for (const contentType of [
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; charset=utf-8',
      'multipart/form-dataX; boundary=x',
    ]) {
      const answer = await rawUpload(app, { 'content-type': contentType }, 'whatever');
      expect(answer.status, contentType).toBe(400);
      expect(answer.type).toMatch(/application\/json/);
      expect(answer.body['error'], contentType).toBe('invalid_arguments');
      expect(answer.body['message']).toMatch(/multipart/);
    }
  });

  it('a body cut off mid-file, a malformed part header or a body without parts is a 400', async () => {
    const mp4 = buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 20_000 });
    const cases: Array<[string, Buffer | string]> = [
      // The file part never ends: no closing boundary.
      ['truncated', filePart('x', mp4)],
      ['bad part header', Buffer.from('--x\r\nthis is not a header\r\n\r\nbytes\r\n--x--\r\n')],
      ['no parts', 'just some text, no boundary in it'],
    ];
    for (const [label, body] of cases) {
      const answer = await rawUpload(app, { 'content-type': 'multipart/form-data; boundary=x' }, body);
      expect(answer.status, label).toBe(400);
      expect(ERROR_CODES[answer.body['error'] as keyof typeof ERROR_CODES], label).toBe(400);
    }
  });

  it('analyze: bad JSON, a bad upload_id or an unknown one are 4xx', async () => {
    const post = (body: string) =>
      fetch(`${app.url}/demo/api/analyze`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ upload_id: 'x'.repeat(500) }))).status).toBe(400);
    expect((await post(JSON.stringify({ upload_id: 42 }))).status).toBe(400);
    expect((await post(JSON.stringify({ upload_id: 'nope' }))).status).toBe(404);
  });

  it(`more than ${MAX_CONCURRENT_ANALYSES} analyses at once: a 503 to retry, and the upload is kept for it`, async () => {
    const up = await uploadVideo(
      app,
      buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 100 }),
      'a.mp4',
      'video/mp4',
    );
    const held = Array.from({ length: MAX_CONCURRENT_ANALYSES }, () => reserveAnalysisSlot());
    try {
      const refused = await analyzeUpload(app, String(up.body['upload_id']));
      expect(refused.status).toBe(503);
      expect(refused.lines[0]).toMatchObject({ error: 'overloaded' });
    } finally {
      for (const release of held) release();
    }
    const retried = await analyzeUpload(app, String(up.body['upload_id']));
    expect(retried.status).toBe(200);
    expect(retried.lines.at(-1)).toMatchObject({ type: 'result', analysis: { duration_s: 1 } });
  });
});

describe('the analysis worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-analysis-'));
  const stored = (name: string, bytes: Buffer): StoredUpload => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return {
      id: name,
      path,
      name,
      size: bytes.length,
      sha256: '',
      format: 'mp4',
      declaredType: 'video/mp4',
      storedAt: Date.now(),
    };
  };

  it('past its time budget it is stopped: query_timeout, and the file is deleted', {
    timeout: 30_000,
  }, async () => {
    const upload = stored(
      'slow.mp4',
      buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 32 * 1024 * 1024 }),
    );
    const lines: AnalysisLine[] = [];
    const started = performance.now();
    const failure = await analyzeInWorker(upload, (line) => void lines.push(line), { timeoutMs: 150 }).catch(
      (error: unknown) => error,
    );
    const ms = performance.now() - started;
    console.log(`time budget 150 ms: stopped after ${ms.toFixed(0)} ms, ${lines.length} lines forwarded`);
    expect(failure).toBeInstanceOf(AnalysisFailure);
    expect((failure as AnalysisFailure).code).toBe('query_timeout');
    expect(ms).toBeLessThan(5_000);
    expect(existsSync(upload.path)).toBe(false);
    expect(lines.some((l) => l.type === 'result')).toBe(false);
  });

  it('a client that goes away stops it (report fails), and the file is deleted', {
    timeout: 30_000,
  }, async () => {
    const upload = stored(
      'left.mp4',
      buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 1024 * 1024 }),
    );
    let seen = 0;
    const failure = await analyzeInWorker(upload, () => {
      if (++seen === 2) throw new Error('the client went away');
    }).catch((error: unknown) => error);
    expect((failure as Error).message).toBe('the client went away');
    expect(seen).toBe(2);
    expect(existsSync(upload.path)).toBe(false);
  });
});
