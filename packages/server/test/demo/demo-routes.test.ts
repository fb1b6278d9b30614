import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { MAX_CONCURRENT_UPLOADS, MAX_UPLOAD_BYTES } from '../../src/demo/receive-upload.js';
import { uploadStore } from '../../src/demo/upload-store.js';
import { startTestApp } from '../support/app.js';
import { buildMp4, buildWebm } from './fixtures.js';

type Json = Record<string, unknown>;

async function upload(app: RunningSightline, bytes: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${app.url}/demo/api/upload`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as Json };
}

async function analyze(app: RunningSightline, uploadId: string) {
  const res = await fetch(`${app.url}/demo/api/analyze`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upload_id: uploadId }),
  });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, lines: [JSON.parse(text) as Json] };
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    lines: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json),
  };
}

/** A raw request, so the test decides how much of the body it ever sends. */
function rawPost(
  app: RunningSightline,
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof request>) => void,
) {
  return new Promise<{ status: number; body: Json }>((resolve, reject) => {
    const req = request(`${app.url}/demo/api/upload`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Json }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close the connection after answering; the answer is what counts.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    write(req);
  });
}

describe('demo routes', () => {
  let app: RunningSightline;
  beforeAll(async () => {
    app = await startTestApp(undefined, { demo: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('config.json gives the default project public key and the origin', async () => {
    const res = await fetch(`${app.url}/demo/config.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ key: app.keys.publicKey, host: app.url });
  });

  it('an MP4 is uploaded (size, sha256) and analysed: duration, size, codecs, verified bytes, steps', async () => {
    const mp4 = buildMp4({ durationS: 12.5, width: 640, height: 360, mdatBytes: 3_000_000 });
    const up = await upload(app, mp4, 'holiday.mp4', 'video/mp4');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({
      name: 'holiday.mp4',
      size: mp4.length,
      sha256: createHash('sha256').update(mp4).digest('hex'),
      format: 'mp4',
    });
    const id = String(up.body['upload_id']);
    const path = uploadStore.get(id)!.path;
    expect(existsSync(path)).toBe(true);

    const result = await analyze(app, id);
    expect(result.status).toBe(200);
    expect(result.type).toMatch(/application\/x-ndjson/);
    expect(result.lines.filter((l) => l['type'] === 'step').map((l) => l['step'])).toEqual([
      'container',
      'metadata',
      'checksum',
    ]);
    const percents = result.lines.filter((l) => l['type'] === 'progress').map((l) => l['percent'] as number);
    expect(percents.length).toBeGreaterThan(1);
    expect(percents.at(-1)).toBe(100);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(result.lines.at(-1)).toMatchObject({
      type: 'result',
      analysis: {
        upload_id: id,
        format: 'mp4',
        brand: 'isom',
        duration_s: 12.5,
        width: 640,
        height: 360,
        video_codec: 'avc1',
        audio_codec: 'mp4a',
        tracks: 2,
        checksum_verified: true,
        size: mp4.length,
      },
    });
    // The file is gone after the analysis; analysing again is a clear 404.
    expect(existsSync(path)).toBe(false);
    const again = await analyze(app, id);
    expect(again.status).toBe(404);
    expect(again.lines[0]!['message']).toMatch(/already analysed or has expired/);
  });

  it('a WebM (even declared as octet-stream) is recognised by its bytes and analysed', async () => {
    const webm = buildWebm({ durationS: 5, width: 320, height: 240, frames: 125, frameBytes: 400 });
    const up = await upload(app, webm, 'clip.webm', 'application/octet-stream');
    expect(up.status).toBe(200);
    expect(up.body['format']).toBe('webm');
    const result = await analyze(app, String(up.body['upload_id']));
    expect(result.lines.at(-1)).toMatchObject({
      type: 'result',
      analysis: {
        format: 'webm',
        brand: 'webm',
        duration_s: 5,
        width: 320,
        height: 240,
        video_codec: 'V_VP9',
      },
    });
  });

  it('a WebM without a Duration (a live recording) gets the time of its last frame', async () => {
    // 100 frames 40 ms apart: the last one starts at 3.96 s.
    const webm = buildWebm({ width: 640, height: 480, frames: 100, frameBytes: 300 });
    const up = await upload(app, webm, 'recording.webm', 'video/webm');
    const result = await analyze(app, String(up.body['upload_id']));
    expect(result.lines.at(-1)).toMatchObject({
      type: 'result',
      analysis: { format: 'webm', duration_s: 3.96, duration_from_last_frame: true, width: 640, height: 480 },
    });
  });

  it('a text file is refused with 415, also when it claims to be a video', async () => {
    const text = Buffer.from('these are my notes, not a video\n'.repeat(100));
    for (const type of ['text/plain', 'video/mp4']) {
      const up = await upload(app, text, 'notes.txt', type);
      expect(up.status).toBe(415);
      expect(up.body['error']).toBe('unsupported_content_type');
      expect(up.body['message']).toMatch(/"notes\.txt" is not a video/);
      expect(up.body['message']).toContain(type);
    }
  });

  it('an empty file or a form without a file is a 400', async () => {
    expect((await upload(app, Buffer.alloc(0), 'empty.mp4', 'video/mp4')).status).toBe(400);
    const form = new FormData();
    form.append('note', 'no file here');
    const res = await fetch(`${app.url}/demo/api/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json)['error']).toBe('empty_body');
  });

  it('an oversize upload is refused with 413 from its Content-Length, before its body is sent', async () => {
    const answer = await rawPost(
      app,
      { 'content-type': 'multipart/form-data; boundary=x', 'content-length': MAX_UPLOAD_BYTES + 10_000_000 },
      // Only the first kilobyte is ever sent: the answer cannot have waited for the rest.
      (req) => req.write(Buffer.alloc(1024)),
    );
    expect(answer.status).toBe(413);
    expect(answer.body['error']).toBe('body_too_large');
    expect(answer.body['message']).toMatch(/limit is 200\.0 MB/);
  });

  it('an oversize upload without a Content-Length is cut off at the limit, never held in memory', {
    timeout: 60_000,
  }, async () => {
    const before = process.memoryUsage().rss;
    const head = Buffer.from(
      '--x\r\ncontent-disposition: form-data; name="file"; filename="huge.mp4"\r\ncontent-type: video/mp4\r\n\r\n',
    );
    const mp4Start = buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 0 });
    const chunk = Buffer.alloc(4 * 1024 * 1024, 0x33);
    const answer = await rawPost(
      app,
      { 'content-type': 'multipart/form-data; boundary=x', 'transfer-encoding': 'chunked' },
      (req) => {
        req.write(head);
        req.write(mp4Start);
        let sent = 0;
        const pump = () => {
          while (sent < MAX_UPLOAD_BYTES + 8 * chunk.length) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end('\r\n--x--\r\n');
        };
        req.on('response', () => {
          sent = Number.POSITIVE_INFINITY;
        });
        pump();
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.body['error']).toBe('body_too_large');
    // Streamed to disk and deleted, never held in memory.
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
  });

  it('more uploads at once than the demo allows get a 503 to retry, and the slots free up', async () => {
    const open = Array.from({ length: MAX_CONCURRENT_UPLOADS }, () => {
      const req = request(`${app.url}/demo/api/upload`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'transfer-encoding': 'chunked' },
      });
      req.on('error', () => undefined);
      req.write('--x\r\ncontent-disposition: form-data; name="file"; filename="slow.mp4"\r\n\r\n');
      req.write(buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 1000 }));
      return req;
    });
    // Until all of them reached the server, a new one may still get a slot.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await upload(
      app,
      buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 10 }),
      'a.mp4',
      'video/mp4',
    );
    expect(refused.status).toBe(503);
    expect(refused.body['error']).toBe('overloaded');
    for (const req of open) req.destroy();
    // The interrupted uploads' partial files are gone: only finished, unanalysed uploads remain.
    // (Polled: on a loaded machine the server may take a moment to see the connections close.)
    await expect
      .poll(() => readdirSync(uploadStore.folder!).length, { timeout: 5_000 })
      .toBe(uploadStore.size);
    const ok = await upload(
      app,
      buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 10 }),
      'b.mp4',
      'video/mp4',
    );
    expect(ok.status).toBe(200);
  });
});
