import type { RunningSightline } from '../../src/app.js';

export type Json = Record<string, unknown>;

/** POST /demo/api/upload of one file as the browser sends it (multipart/form-data). */
export async function uploadVideo(app: RunningSightline, bytes: Buffer, name: string, type = 'video/webm') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${app.url}/demo/api/upload`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as Json };
}

/** POST /demo/api/analyze, read to the end: the NDJSON lines (or the one JSON error of a refusal). */
export async function analyzeUpload(app: RunningSightline, uploadId: string) {
  const res = await fetch(`${app.url}/demo/api/analyze`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upload_id: uploadId }),
  });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, lines: [JSON.parse(text) as Json] };
  return {
    status: res.status,
    lines: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json),
  };
}
