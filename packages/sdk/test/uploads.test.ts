// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shutdownClients, startClient, stubFetch } from './support/capture.js';

/** An XMLHttpRequest whose upload progress and answer the test drives. */
class FakeXHR {
  static last: FakeXHR;
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  status = 0;
  responseText = '';
  withCredentials = false;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
    FakeXHR.last = this;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }
  respond(status: number, text = '') {
    this.status = status;
    this.responseText = text;
    this.onload?.();
  }
}

const T0 = Date.UTC(2030, 0, 1);
const ownProperties = (properties: Record<string, unknown>) => {
  const { url, path, referrer, screen_width, screen_height, $lib, $lib_version, upload_id, ...own } =
    properties;
  return own;
};

describe('uploads', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers({ now: T0 });
    vi.stubGlobal('XMLHttpRequest', FakeXHR);
  });
  afterEach(() => {
    shutdownClients();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const video = new File([new Uint8Array(1000)], 'my-holiday-video-from-2029.mp4', { type: 'video/mp4' });

  it('reports the real progress each 10 %, then completion', async () => {
    const server = stubFetch();
    const client = startClient();
    const seen: number[] = [];
    const handle = client.upload(video, {
      url: '/upload',
      headers: { 'X-Token': 't' },
      properties: { video_id: 'v1' },
      onProgress: (loaded) => seen.push(loaded),
    });
    const xhr = FakeXHR.last;
    expect([xhr.method, xhr.url, xhr.headers, xhr.body]).toEqual([
      'POST',
      '/upload',
      { 'X-Token': 't' },
      video,
    ]);
    for (const [at, loaded] of [
      [1000, 50],
      [2000, 150],
      [3000, 180],
      [4000, 420],
      [5000, 1000],
    ] as const) {
      vi.setSystemTime(T0 + at);
      xhr.progress(loaded, 1000);
    }
    vi.setSystemTime(T0 + 5500);
    xhr.respond(201, '{"id":7}');
    await expect(handle.result).resolves.toEqual({ status: 201, responseText: '{"id":7}', duration: 5500 });
    expect(seen).toEqual([50, 150, 180, 420, 1000]);
    await client.flush();
    expect(server.events().map((e) => [e.event, ownProperties(e.properties)])).toEqual([
      [
        'file_selected',
        { file_size: 1000, file_type: 'video/mp4', file_name: 'my-holiday-video-fro', video_id: 'v1' },
      ],
      [
        'upload_started',
        { file_size: 1000, file_type: 'video/mp4', file_name: 'my-holiday-video-fro', video_id: 'v1' },
      ],
      [
        'upload_progress',
        {
          progress_percent: 15,
          elapsed_time: 2000,
          estimated_remaining: 11_333,
          bytes_loaded: 150,
          bytes_total: 1000,
          video_id: 'v1',
        },
      ],
      [
        'upload_progress',
        {
          progress_percent: 42,
          elapsed_time: 4000,
          estimated_remaining: 5524,
          bytes_loaded: 420,
          bytes_total: 1000,
          video_id: 'v1',
        },
      ],
      [
        'upload_progress',
        {
          progress_percent: 100,
          elapsed_time: 5000,
          estimated_remaining: 0,
          bytes_loaded: 1000,
          bytes_total: 1000,
          video_id: 'v1',
        },
      ],
      ['upload_complete', { upload_duration: 5500, status: 201, video_id: 'v1' }],
    ]);
    expect(new Set(server.events().map((e) => e.properties['upload_id'])).size).toBe(1);
  });

  it('sends multipart form data when asked, and can skip file_selected', async () => {
    const server = stubFetch();
    const client = startClient();
    client.upload(video, { url: '/u', fieldName: 'video', fields: { title: 'Trip' }, fileSelected: false });
    const body = FakeXHR.last.body as FormData;
    expect(body.get('title')).toBe('Trip');
    expect((body.get('video') as File).size).toBe(1000);
    FakeXHR.last.respond(200);
    await client.flush();
    expect(server.events().map((e) => e.event)).toEqual(['upload_started', 'upload_complete']);
  });

  it('reports failures: HTTP status, network error, abort', async () => {
    const server = stubFetch();
    const client = startClient();
    const rejected = client.upload(video, { url: '/u' });
    vi.setSystemTime(T0 + 100);
    FakeXHR.last.respond(500);
    await expect(rejected.result).rejects.toThrow('upload http_500');

    const offline = client.upload(video, { url: '/u' });
    FakeXHR.last.onerror?.();
    await expect(offline.result).rejects.toThrow('network_error');

    const aborted = client.upload(video, { url: '/u' });
    aborted.abort();
    await expect(aborted.result).rejects.toThrow('aborted');

    await client.flush();
    expect(server.named('upload_failed').map((e) => [e.properties['error'], e.properties['status']])).toEqual(
      [
        ['http_500', 500],
        ['network_error', 0],
        ['aborted', 0],
      ],
    );
  });
});
